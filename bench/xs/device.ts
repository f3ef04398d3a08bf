/**
 * Device side of the XS benchmark, bundled into the simulator's xsnap worker
 * (host-tests/xs). Exposes calls the Node side times and meters:
 * - sans-I/O decode/encode on the core's FramedConnection (no sockets, no bridge
 *   traffic during the measured work), to count allocations per frame and decode speed;
 * - a real Client on the device runtime (ECMA-419 TCP through the simulator's
 *   bridge) to measure the heap one open idle connection holds.
 */
import { WebSocketBase } from "../../modules/api/browser";
import { makeConnectModule, type WsClient } from "../../modules/api/connect";
import { Socket as FibjsSocket } from "../../modules/api/fibjs";
import { LuatosWebSocket } from "../../modules/api/luatos";
import type { CloseEvent } from "../../modules/api/events";
import { Client } from "../../modules/client/client";
import { ReconnectingClient } from "../../modules/reconnecting/reconnecting";
import { FramedConnection, type ConnectionEvents } from "../../modules/core/connection";
import { createDeviceRuntime } from "../../modules/device/runtime";
import TCP from "embedded:io/socket/tcp";
import { expose, post } from "../../simulator/shims/expose";
import { Probe } from "./probe";
import { bridgeRandomFill } from "../../simulator/shims/random";

declare const performance: { now(): number };

// ---- sans-I/O: frames fed to the core from memory ----

const decoder = new TextDecoder();
const encoder = new TextEncoder();
let received = 0;
let kept: unknown[] = [];
let keep = false;

function events(): ConnectionEvents {
  return {
    onOutput: (bytes) => { if (keep) kept[received++] = bytes; else received++; },
    onEstablished() {},
    onMessage: (data) => { if (keep) kept[received++] = data; else received++; },
    onFragment() {},
    onPing() {},
    onPong() {},
    onError(error) { throw error; },
    onStateChange() {},
    onShutdown() {},
    onClosed() {},
  };
}

// Shared by every connection made here, as a platform's functions are: not counted per connection.
const sharedEvents = events();
const random = (bytes: Uint8Array): void => { for (let i = 0; i < bytes.length; i++) bytes[i] = (Math.random() * 256) | 0; };
const decodeUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
const encodeUtf8 = (text: string): Uint8Array => encoder.encode(text);

function connection(): FramedConnection {
  const conn = new FramedConnection("client", {
    maxMessageSize: 1 << 24, maxFragments: 1024, fragments: false, random, decodeUtf8, encodeUtf8,
  }, sharedEvents);
  conn.state = 1; // OPEN: the handshake is not what is measured here
  return conn;
}

function payloadOf(size: number, text: boolean): Uint8Array {
  const bytes = new Uint8Array(size);
  // Text: a repeating mix of 1-, 2- and 3-byte characters, padded with ASCII to the exact size.
  if (text) {
    const unit = encoder.encode("aé中z");
    let at = 0;
    while (at + unit.length <= size) { bytes.set(unit, at); at += unit.length; }
    while (at < size) bytes[at++] = 0x61;
  } else {
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  }
  return bytes;
}

function frameOf(payload: Uint8Array, opcode: number): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = new Uint8Array(head + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = n;
  else if (n < 65536) { frame[1] = 126; frame[2] = n >> 8; frame[3] = n & 0xff; }
  else { frame[1] = 127; frame[6] = n >>> 24; frame[7] = (n >> 16) & 0xff; frame[8] = (n >> 8) & 0xff; frame[9] = n & 0xff; }
  frame.set(payload, head);
  return frame;
}

let conn: FramedConnection | undefined;
let chunks: Uint8Array[] = [];
let framesPerChunkSet = 0;
let sendPayload: Uint8Array | string = "";

/** Build `count` frames and cut them into chunks of `chunkSize` bytes (0: one chunk), as a socket read would deliver them. */
expose("prepare", (args) => {
  const [size, count, text, chunkSize] = args as [number, number, boolean, number];
  const frame = frameOf(payloadOf(size, text), text ? 1 : 2);
  const all = new Uint8Array(frame.length * count);
  for (let i = 0; i < count; i++) all.set(frame, i * frame.length);
  chunks = [];
  const step = chunkSize > 0 ? chunkSize : all.length;
  for (let at = 0; at < all.length; at += step) chunks.push(all.subarray(at, Math.min(all.length, at + step)));
  framesPerChunkSet = count;
  sendPayload = text ? decoder.decode(payloadOf(size, true)) : payloadOf(size, false);
  conn = connection();
  received = 0;
  kept = [];
  keep = false;
  return { frameBytes: frame.length, chunks: chunks.length };
});

/** Room to keep `n` results (allocated before the measured call). */
expose("reserve", (args) => {
  const n = Number(args[0]);
  kept = new Array(n);
  for (let i = 0; i < n; i++) kept[i] = 0;
  return n;
});

expose("release", () => {
  kept = [];
  keep = false;
  return 0;
});

/** Feed the prepared chunks once; with `retain`, every message is kept (in the reserved room). */
expose("feed", (args) => {
  const retain = args[0] === true;
  keep = retain;
  received = 0;
  for (let i = 0; i < chunks.length; i++) conn!.receiveFrames(chunks[i]);
  keep = false;
  if (received !== framesPerChunkSet) throw new Error(`decoded ${received} messages, expected ${framesPerChunkSet}`);
  return received;
});

/** Send `n` messages of the prepared payload into the void (or kept, with `retain`). */
expose("send", (args) => {
  const [n, retain] = args as [number, boolean];
  keep = retain === true;
  received = 0;
  for (let i = 0; i < n; i++) conn!.send(sendPayload);
  keep = false;
  return received;
});

/** Decode speed inside XS: feed the prepared chunks `rounds` times; frames per second. */
expose("decodeSpeed", (args) => {
  const rounds = Number(args[0]);
  received = 0;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (let i = 0; i < chunks.length; i++) conn!.receiveFrames(chunks[i]);
  const ms = performance.now() - start;
  return { frames: received, ms };
});

/** Encode speed inside XS (masking included): `n` sends; frames per second. */
expose("encodeSpeed", (args) => {
  const n = Number(args[0]);
  received = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) conn!.send(sendPayload);
  return { frames: received, ms: performance.now() - start };
});

/** Connections of the core alone (framing + receiver, no Client, no transport), kept alive for a heap snapshot. */
// Room made up front here and below: a growing array would add its own chunk to what is measured.
const cores: (FramedConnection | undefined)[] = new Array<FramedConnection | undefined>(16).fill(undefined);
let coreCount = 0;
expose("core", () => {
  cores[coreCount++] = connection();
  return coreCount;
});

// ---- a real connection through the simulator's sockets ----
//
// What the app adds is kept out of the figures as far as it can be: one listener object per
// connection (an instance of a class, its methods shared) rather than a closure per event, and
// browser-style handlers that are module-level functions. The raw socket uses module-level
// callbacks and its `target`, as Tcp419Transport does, so subtracting it removes the socket only.

const runtime = createDeviceRuntime({ platform: { randomFill: bridgeRandomFill } });
type Connection = Client | ReconnectingClient | WebSocketBase | FibjsSocket | WsClient | LuatosWebSocket;
const connections: (Connection | undefined)[] = new Array<Connection | undefined>(64).fill(undefined);
let connectionCount = 0;

// Browser-style handlers (and the other facades' callbacks) are called with the socket as `this`.
function browserOpen(this: Connection): void {
  post({ type: "open", id: connections.indexOf(this) });
}
function browserClose(this: Connection, event: CloseEvent): void {
  post({ type: "close", id: connections.indexOf(this), code: event.code });
}
function seedClose(this: Connection, option: { code: number }): void {
  post({ type: "close", id: connections.indexOf(this), code: option.code });
}
function luatosClose(this: Connection, code: number): void {
  post({ type: "close", id: connections.indexOf(this), code });
}
const connectModule = makeConnectModule(runtime);

/** Heartbeat period of the "reconnecting-keepalive" kind: long enough that no ping happens while measured. */
const KEEP_ALIVE_MS = 60000;

/**
 * kind: "client" (default), "reconnecting", "reconnecting-keepalive", "browser" (modules/api/browser.ts),
 * or another facade over one Client: "fibjs", "connect" (seed 000), "luatos" (seed 001's connect()).
 */
expose("open", (args) => {
  const url = String(args[0]);
  const kind = args[1] === undefined ? "client" : String(args[1]);
  const id = connectionCount++;
  if (kind === "client") {
    connections[id] = new Client(runtime, url, {}, new Probe(id));
  } else if (kind === "reconnecting" || kind === "reconnecting-keepalive") {
    const options = kind === "reconnecting" ? {} : { keepAlive: KEEP_ALIVE_MS };
    connections[id] = new ReconnectingClient(runtime, url, options, new Probe(id));
  } else if (kind === "browser") {
    const socket = new WebSocketBase(runtime, url);
    connections[id] = socket; // before any event: the handlers find their id by the socket
    socket.onopen = browserOpen;
    socket.onclose = browserClose;
  } else if (kind === "fibjs") {
    const socket = new FibjsSocket(runtime, url);
    connections[id] = socket;
    socket.onopen = browserOpen;
    socket.onclose = browserClose;
  } else if (kind === "connect") {
    const client = connectModule.connect(url); // seed 000's ws.connect()
    connections[id] = client;
    client.on("open", browserOpen).on("close", seedClose);
  } else if (kind === "luatos") {
    const socket = new LuatosWebSocket(runtime, url); // seed 001's websocket.new() + connect()
    connections[id] = socket;
    socket.on("open", browserOpen);
    socket.on("close", luatosClose);
    void socket.connect();
  } else {
    throw new Error(`unknown connection kind ${kind}`);
  }
  return id;
});

expose("close", (args) => {
  connections[Number(args[0])]?.close();
  return 0;
});

expose("forget", (args) => {
  connections[Number(args[0])] = undefined;
  return 0;
});

/** The simulator's ECMA-419 socket alone (what the transport sits on), to subtract its share. */
const sockets: (TCP | undefined)[] = new Array<TCP | undefined>(16).fill(undefined);
let socketCount = 0;
// Module-level, as an array of flags made up front: the socket's `target` is its id, a number (no object).
const rawTold: boolean[] = new Array<boolean>(16).fill(false);
function rawWritable(this: { readonly target: number }): void {
  if (rawTold[this.target]) return;
  rawTold[this.target] = true;
  post({ type: "rawOpen", id: this.target });
}
function rawIgnore(): void {}

expose("rawOpen", (args) => {
  const id = socketCount++;
  sockets[id] = new TCP({
    address: "127.0.0.1",
    port: Number(args[0]),
    target: id,
    onReadable: rawIgnore,
    onWritable: rawWritable,
    onError: rawIgnore,
  } as never);
  return id;
});

expose("rawClose", (args) => {
  sockets[Number(args[0])]?.close();
  sockets[Number(args[0])] = undefined;
  return 0;
});

/** The app's listener object alone (counted in every connection row), kept for a heap snapshot. */
const probes: (Probe | undefined)[] = new Array<Probe | undefined>(16).fill(undefined);
let probeCount = 0;
expose("probe", () => {
  probes[probeCount] = new Probe(probeCount);
  return ++probeCount;
});
