import type { Payload } from "../core/connection";
import { WebSocketError } from "../core/errors";
import { checkOutgoingFrame } from "../core/frame";
import { utf8Length } from "../core/utf8";

/** A send() or sendFrame() call accepted while no connection was open. */
export type QueuedSend =
  | { kind: "message"; data: Payload; binary: boolean; bytes: number }
  | { kind: "frame"; fin: boolean; opcode: number; data: Payload; bytes: number };

export function payloadLength(data: Payload): number {
  return typeof data === "string" ? utf8Length(data) : data.byteLength;
}

/**
 * Sends held while disconnected, in order, within a byte bound. Binary data
 * is copied on entry: the caller may reuse its buffer once send() returns.
 */
export class SendQueue {
  readonly maxBytes: number;
  private items: QueuedSend[] = [];
  private total = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.total;
  }
  get length(): number {
    return this.items.length;
  }

  /** Queue an item; false when it does not fit (the queue is unchanged). */
  push(item: QueuedSend): boolean {
    if (this.total + item.bytes > this.maxBytes) return false;
    if (typeof item.data !== "string") item.data = item.data.slice();
    this.items.push(item);
    this.total += item.bytes;
    return true;
  }

  peek(): QueuedSend | undefined {
    return this.items[0];
  }

  shift(): QueuedSend | undefined {
    const item = this.items.shift();
    if (item) this.total -= item.bytes;
    return item;
  }

  /** Empty the queue; returns what was in it. */
  drain(): { count: number; bytes: number } {
    const result = { count: this.items.length, bytes: this.total };
    this.items = [];
    this.total = 0;
    return result;
  }
}

/**
 * The checks sendFrame() makes before a frame can be queued, so bad
 * arguments throw at the call even while disconnected. Returns false for
 * control frames (ping, pong), which are never queued: they only make
 * sense on the connection they were meant for.
 */
export function checkQueueableFrame(fin: boolean, opcode: number, bytes: number): boolean {
  return !checkOutgoingFrame(fin, opcode, bytes);
}
