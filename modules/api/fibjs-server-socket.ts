/**
 * The connection seed 004's `ws.upgrade(accept)` hands to `accept(conn, req)`:
 * the server socket with fibjs' WebSocket manners on top, so it reads like
 * the fibjs client `ws.Socket`: `on/once/off(event, fn)` next to the on*
 * properties, and `close()` sending 1000 by default (fibjs' default code).
 */
import type { UpgradeRequest } from "../core/server-handshake";
import { WebSocketError } from "../core/errors";
import type { Platform } from "../platform/platform";
import type { PeerOptions } from "../server/peer";
import type { AcceptedChannel } from "../transport/transport";
import type { Listener, WsEvent } from "./events";
import type { SocketEventMap } from "./browser";
import { ServerSocket } from "./server-socket";

export type FibjsSocketEvent = "open" | "message" | "close" | "error";
const EVENTS: readonly string[] = Object.freeze(["open", "message", "close", "error"]);

function checked(event: string, listener: unknown): Listener<WsEvent> {
  if (typeof event !== "string" || EVENTS.indexOf(event) < 0) {
    throw new WebSocketError("INVALID_ARGUMENT", `unknown event "${String(event)}" (use ${EVENTS.join(", ")})`);
  }
  if (typeof listener !== "function")
    throw new WebSocketError("INVALID_ARGUMENT", `the "${event}" listener must be a function`);
  return listener as Listener<WsEvent>;
}

export class FibjsServerSocket extends ServerSocket {
  constructor(
    platform: Platform,
    channel: AcceptedChannel,
    options: PeerOptions,
    parsed?: { request: UpgradeRequest; head?: Uint8Array },
  ) {
    super(platform, channel, options, parsed);
  }

  on<K extends FibjsSocketEvent>(event: K, listener: (event: SocketEventMap[K]) => void): this {
    this.addEventListener(event, checked(event, listener));
    return this;
  }

  once<K extends FibjsSocketEvent>(event: K, listener: (event: SocketEventMap[K]) => void): this {
    this.addEventListener(event, checked(event, listener), { once: true });
    return this;
  }

  off<K extends FibjsSocketEvent>(event: K, listener: (event: SocketEventMap[K]) => void): this {
    this.removeEventListener(event, checked(event, listener));
    return this;
  }

  /** fibjs: code 1000 unless given, reason up to 123 bytes. */
  override close(code = 1000, reason = ""): void {
    super.close(code, reason);
  }
}
