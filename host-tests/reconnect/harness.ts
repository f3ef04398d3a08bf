import { createHash } from "node:crypto";
import type * as net from "node:net";
import type { WebSocketError } from "../../modules/core/errors";
import type { Runtime } from "../../modules/endpoint/runtime";
import type { ReconnectListener } from "../../modules/reconnecting/reconnecting";
import { NodeTransport } from "../../node/transport";
import { parseFrames, type ParsedFrame } from "../support/frames";
import type { ManualPlatform } from "../support/manual-platform";
import { startRawServer, type Started } from "../support/servers";

/** Manual timers, real sockets. */
export function manualRuntime(platform: ManualPlatform): Runtime {
  return { platform, createTransport: () => new NodeTransport() };
}

export interface Undelivered { count: number; bytes: number; reason: string }

/** Records every event as a short line, so a whole sequence can be compared at once. */
export class EventLog {
  events: string[] = [];
  messages: (string | Uint8Array)[] = [];
  errors: WebSocketError[] = [];
  undelivered: Undelivered[] = [];
  delays: number[] = [];
  readyStateAtClose: number[] = [];
  /** Runs inside onOpen, after the wrapper has flushed its queue. */
  onOpenHook: (() => void) | undefined;
  readyStateOf: () => number = () => -1;

  readonly listener: ReconnectListener = {
    onOpen: () => { this.events.push("open"); this.onOpenHook?.(); },
    onMessage: (data) => { this.messages.push(data); },
    onPong: () => { this.events.push("pong"); },
    onError: (error) => { this.errors.push(error); this.events.push(`error ${error.code}`); },
    onClose: (code, reason, wasClean) => {
      this.readyStateAtClose.push(this.readyStateOf());
      this.events.push(`close ${code} ${reason ? reason + " " : ""}${wasClean}`);
    },
    onReconnecting: (attempt, delay) => { this.delays.push(delay); this.events.push(`reconnecting ${attempt} ${delay}`); },
    onUndelivered: (count, bytes, reason) => { this.undelivered.push({ count, bytes, reason }); this.events.push(`undelivered ${count} ${bytes}`); },
  };

  count(prefix: string): number {
    return this.events.filter((e) => e === prefix || e.startsWith(prefix + " ")).length;
  }

  /** Events other than pongs and transport errors, whose presence depends on how the OS reported a killed peer. */
  get flow(): string[] {
    return this.events.filter((e) => e !== "pong" && e !== "error CONNECTION_LOST");
  }

  texts(): string[] {
    return this.messages.filter((m): m is string => typeof m === "string");
  }
}

/** Wait (real time) for I/O to make `condition` true; fails with `what` rather than hanging. */
export async function waitFor(condition: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Let pending socket events run (a few event-loop turns, no clock involved). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

export interface HandshakeServer extends Started<net.Server> {
  /** Frames each connection sent after its handshake, in order of connection. */
  frames: ParsedFrame[][];
  sockets: net.Socket[];
  closedSockets: number;
}

/**
 * A raw TCP server that completes the opening handshake by hand, records
 * what the client sends and never answers anything: no pongs, no close.
 * To the client it is a black hole that still looks connected.
 */
export async function startBlackHole(): Promise<HandshakeServer> {
  const frames: ParsedFrame[][] = [];
  const sockets: net.Socket[] = [];
  const state = { closedSockets: 0 };
  const started = await startRawServer((socket, request) => {
    const key = /^sec-websocket-key:\s*(\S+)\s*$/im.exec(request)?.[1] ?? "";
    const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const mine: ParsedFrame[] = [];
    frames.push(mine);
    sockets.push(socket);
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      const parsed = parseFrames(Buffer.concat([pending, chunk]));
      mine.push(...parsed.frames);
      pending = parsed.rest;
    });
    socket.on("close", () => { state.closedSockets++; });
  });
  return {
    server: started.server, port: started.port, url: started.url, close: started.close,
    frames, sockets,
    get closedSockets() { return state.closedSockets; },
  };
}
