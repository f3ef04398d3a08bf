/**
 * A raw TCP WebSocket server for conformance cases: it does its own opening
 * handshake, then plays a scripted behaviour byte for byte (unmasked frames,
 * chopped writes, pauses) and records every frame the client sends.
 */
import { createHash } from "node:crypto";
import * as net from "node:net";
import { ClientFrameParser, OP, concat, type Bytes, type ClientFrame } from "./wire";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface HandshakeRequest {
  requestLine: string;
  /** Lower-cased names. */
  headers: Map<string, string>;
}

export interface ServerHandshake {
  /** Subprotocol to select, or none. */
  protocol?: string;
  /** Replace the response head (given the correct accept value), for handshake failure cases. */
  head?: (accept: string) => string;
  /** Write the response in pieces of this many bytes. */
  chop?: number;
  /** Close TCP instead of answering. */
  hangUp?: boolean;
  /** Frames written in the same TCP write as the 101 response. */
  withResponse?: Bytes;
}

export interface WriteOptions {
  /** Write in pieces of this many bytes (1 = one byte per write). */
  chop?: number;
  /**
   * ms to wait between pieces. The default, "yield", lets the event loop turn
   * once between writes, which is enough for each piece to reach the client
   * in a read of its own (the report shows the read counts).
   */
  pause?: number | "yield";
}

/** What the case script can do with the connection after the handshake. */
export class Peer {
  readonly frames: ClientFrame[] = [];
  /** Bytes written after the handshake. */
  written = 0;
  clientEnded = false;
  socketClosed = false;
  serverSentClose = false;
  /** Notes a script records for the verdict (for example whether the client failed fast). */
  readonly notes = new Map<string, boolean>();
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: net.Socket, readonly request: HandshakeRequest) {}

  /** @internal called by the server for every parsed client frame and socket event. */
  changed(): void {
    for (const w of Array.from(this.waiters)) w();
  }

  get clientClose(): ClientFrame | undefined {
    return this.frames.find((f) => f.opcode === OP.CLOSE);
  }

  /** Non-close frames the client sent. */
  get echoes(): ClientFrame[] {
    return this.frames.filter((f) => f.opcode !== OP.CLOSE);
  }

  get open(): boolean {
    return !this.socketClosed && !this.socket.destroyed && this.socket.writable;
  }

  async send(data: Bytes | readonly Bytes[], options: WriteOptions = {}): Promise<void> {
    const all = data instanceof Uint8Array ? data : concat(data);
    const chop = options.chop ?? all.length;
    const pause = options.pause ?? "yield";
    for (let at = 0; at < all.length; at += chop) {
      if (!this.open) return;
      const piece = all.subarray(at, Math.min(all.length, at + chop));
      await this.write(piece, chop < all.length);
      if (at + chop >= all.length) continue;
      if (pause === "yield") await new Promise<void>((r) => setImmediate(r));
      else if (pause > 0) await sleep(pause);
    }
  }

  /** Send a close frame (raw bytes built by wire.close) and remember that we did. */
  async sendClose(closeFrame: Bytes): Promise<void> {
    this.serverSentClose = true;
    await this.send(closeFrame);
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms);
  }

  /** Resolve true once `done()` holds, false if `capMs` passes first or the socket closes. */
  waitFor(done: () => boolean, capMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (done()) finish(true);
        else if (this.socketClosed) finish(false);
      };
      const timer = setTimeout(() => finish(false), capMs);
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      this.waiters.add(check);
    });
  }

  /** Wait for the client's close frame. */
  waitForClientClose(capMs: number): Promise<boolean> {
    return this.waitFor(() => this.clientClose !== undefined, capMs);
  }

  /** Wait until the client has sent `n` non-close frames (or closed). */
  waitForEchoes(n: number, capMs: number): Promise<boolean> {
    return this.waitFor(() => this.echoes.length >= n || this.clientClose !== undefined || this.clientEnded, capMs);
  }

  private write(piece: Bytes, separate: boolean): Promise<void> {
    this.written += piece.length;
    return new Promise((resolve) => {
      const ok = this.socket.write(piece, () => resolve());
      // Unchopped large writes: let the socket buffer them; chops wait for each write so they stay separate.
      if (ok && !separate) resolve();
    });
  }
}

export type Script = (peer: Peer) => Promise<void>;

export interface ConnectionRecord {
  peer: Peer | null;
  /** Problems with what the client sent (bad handshake, unparsable frames). */
  problems: string[];
  /** Resolves when the TCP connection is fully closed. */
  closed: Promise<void>;
}

/**
 * A listener on 127.0.0.1, port 0, serving one connection with `script`.
 * `onConnection` gets the record as soon as the client connects.
 */
export class ConformanceServer {
  private readonly server: net.Server;
  readonly records: ConnectionRecord[] = [];

  private constructor(private readonly handshake: ServerHandshake, private readonly script: Script) {
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
  }

  static async start(handshake: ServerHandshake, script: Script): Promise<ConformanceServer> {
    const s = new ConformanceServer(handshake, script);
    await new Promise<void>((resolve) => s.server.listen(0, "127.0.0.1", resolve));
    return s;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const problems: string[] = [];
    let peer: Peer | null = null;
    let resolveClosed!: () => void;
    const record: ConnectionRecord = { peer: null, problems, closed: new Promise((r) => { resolveClosed = r; }) };
    this.records.push(record);
    let head = Buffer.alloc(0);
    let parser: ClientFrameParser | null = null;

    socket.on("data", (chunk: Buffer) => {
      if (parser) { parser.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)); return; }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      const request = parseRequest(head.subarray(0, end).toString("latin1"), problems);
      const rest = head.subarray(end + 4);
      const key = request.headers.get("sec-websocket-key");
      if (!key) { problems.push("request has no Sec-WebSocket-Key"); socket.destroy(); return; }
      peer = new Peer(socket, request);
      record.peer = peer;
      const p = peer;
      parser = new ClientFrameParser(() => p.written, (f) => {
        if (!f.masked) problems.push(`client frame opcode ${f.opcode} is not masked`);
        if (!f.minimalLength) problems.push(`client frame opcode ${f.opcode} does not use the shortest length encoding`);
        p.frames.push(f);
        p.changed();
      });
      const accept = createHash("sha1").update(key + GUID).digest("base64");
      if (this.handshake.hangUp) { socket.end(); return; }
      let response = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n`;
      if (this.handshake.protocol) response += `Sec-WebSocket-Protocol: ${this.handshake.protocol}\r\n`;
      response += "\r\n";
      if (this.handshake.head) response = this.handshake.head(accept);
      const out = this.handshake.withResponse
        ? concat([new Uint8Array(Buffer.from(response, "latin1")), this.handshake.withResponse])
        : new Uint8Array(Buffer.from(response, "latin1"));
      if (rest.length) parser.push(new Uint8Array(rest));
      const p2 = peer;
      const chop = this.handshake.chop;
      const respond = chop
        ? (async () => {
          for (let at = 0; at < out.length; at += chop) {
            if (!p2.open) return;
            await new Promise<void>((r) => socket.write(out.subarray(at, at + chop), () => r()));
            await sleep(1);
          }
        })()
        : new Promise<void>((r) => { socket.write(out); r(); });
      if (this.handshake.withResponse) peer.written += this.handshake.withResponse.length;
      respond.then(() => this.script(p2)).catch((e: unknown) => {
        problems.push(`script failed: ${e instanceof Error ? e.message : String(e)}`);
        socket.destroy();
      });
    });
    socket.on("end", () => {
      // The client half-closed; the runner decides when our side ends (it may still echo a close).
      if (peer) { peer.clientEnded = true; peer.changed(); } else socket.end();
    });
    socket.on("error", () => { /* resets after a failed case are expected; the verdict reads the record */ });
    socket.on("close", () => {
      if (parser?.problem) problems.push(parser.problem);
      if (peer) { peer.socketClosed = true; peer.changed(); }
      resolveClosed();
    });
  }
}

function parseRequest(text: string, problems: string[]): HandshakeRequest {
  const lines = text.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) { problems.push(`malformed request header line "${line}"`); continue; }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  if (!/^GET \S+ HTTP\/1\.1$/.test(lines[0])) problems.push(`bad request line "${lines[0]}"`);
  if ((headers.get("upgrade") ?? "").toLowerCase() !== "websocket") problems.push("request lacks Upgrade: websocket");
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(headers.get("connection") ?? "")) problems.push("request lacks Connection: Upgrade");
  if (headers.get("sec-websocket-version") !== "13") problems.push("request lacks Sec-WebSocket-Version: 13");
  const key = headers.get("sec-websocket-key") ?? "";
  if (Buffer.from(key, "base64").length !== 16) problems.push(`Sec-WebSocket-Key "${key}" is not 16 bytes in base64`);
  if (!headers.has("host")) problems.push("request lacks Host");
  return { requestLine: lines[0], headers };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
