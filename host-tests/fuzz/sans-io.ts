/**
 * Drive the sans-I/O client core directly: no socket, no timer. The server
 * side of the handshake is computed here with node:crypto, independently of
 * the core's own SHA-1.
 */
import { createHash, randomFillSync } from "node:crypto";
import { ClientConnection } from "../../modules/core/client-connection";
import type { ConnectionEvents, ReadyState } from "../../modules/core/connection";
import type { WebSocketError } from "../../modules/core/errors";
import { parseUrl } from "../../modules/core/url";
import { ClientFrameParser, type ClientFrame } from "../conformance/wire";

export type CoreEvent =
  | { type: "open" }
  | { type: "message"; data: string | Uint8Array; binary: boolean }
  | { type: "fragment"; data: string | Uint8Array; binary: boolean; final: boolean }
  | { type: "ping"; payload: Uint8Array }
  | { type: "pong"; payload: Uint8Array }
  | { type: "error"; error: WebSocketError }
  | { type: "shutdown"; graceful: boolean }
  | { type: "closed"; code: number; reason: string; wasClean: boolean };

export interface Harness {
  conn: ClientConnection;
  events: CoreEvent[];
  /** Frames the client wrote after the handshake, parsed and unmasked. */
  written: ClientFrame[];
  state: () => ReadyState;
  /** The 101 response for the request the client wrote. */
  response: Uint8Array;
}

export interface HarnessOptions {
  maxMessageSize?: number;
  maxFragments?: number;
  fragments?: boolean;
}

/** A ClientConnection that has written its request; feed it `response` (split as you like) to open it. */
export function startClient(options: HarnessOptions = {}): Harness {
  const events: CoreEvent[] = [];
  const written: ClientFrame[] = [];
  let request = "";
  let parser: ClientFrameParser | null = null;
  const sink: ConnectionEvents = {
    onOutput(bytes) {
      if (parser) parser.push(bytes.slice());
      else { request = Buffer.from(bytes).toString("latin1"); parser = new ClientFrameParser(() => 0, (f) => written.push(f)); }
    },
    onEstablished: () => events.push({ type: "open" }),
    onMessage: (data, binary) => events.push({ type: "message", data: typeof data === "string" ? data : data.slice(), binary }),
    onFragment: (data, binary, final) => events.push({ type: "fragment", data: typeof data === "string" ? data : data.slice(), binary, final }),
    onPing: (payload) => events.push({ type: "ping", payload: payload.slice() }),
    onPong: (payload) => events.push({ type: "pong", payload: payload.slice() }),
    onError: (error) => events.push({ type: "error", error }),
    onStateChange: () => undefined,
    onShutdown: (graceful) => events.push({ type: "shutdown", graceful }),
    onClosed: (code, reason, wasClean) => events.push({ type: "closed", code, reason, wasClean }),
  };
  const conn = new ClientConnection({
    url: parseUrl("ws://127.0.0.1:9/fuzz"), protocols: [], headers: [],
    maxMessageSize: options.maxMessageSize ?? 16 * 1024 * 1024, maxFragments: options.maxFragments ?? 131072,
    fragments: options.fragments ?? false, random: (b) => randomFillSync(b),
  }, sink);
  conn.start();
  const key = /\r\nSec-WebSocket-Key: ([^\r]+)\r\n/i.exec(request)?.[1] ?? "";
  const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  const response = new Uint8Array(Buffer.from(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`, "latin1"));
  return { conn, events, written, state: () => conn.state, response };
}

/** An open connection (the response already fed). */
export function openClient(options: HarnessOptions = {}): Harness {
  const h = startClient(options);
  h.conn.receive(h.response);
  h.events.length = 0;
  return h;
}

/** Cut `bytes` at the given positions (any order, duplicates and out-of-range ignored). */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = Array.from(new Set(cuts.filter((c) => c > 0 && c < bytes.length))).sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of points) { pieces.push(bytes.slice(from, p)); from = p; }
  pieces.push(bytes.slice(from));
  return pieces;
}
