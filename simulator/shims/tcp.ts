/**
 * The simulator's `embedded:io/socket/tcp`, with the semantics of Moddable's
 * lwIP implementation (modules/io/socket/lwip/tcp.c), which is what runs on an
 * ESP32:
 * - `address` must be an IP literal (the socket never resolves names);
 * - the first `onWritable(count)` means connected; `write` before it throws "not ready";
 * - `write(buffer)` takes an ArrayBuffer or a view, throws "would block" when the
 *   bytes exceed the writable count, and returns the count left;
 * - `read()` returns what is readable (or `read(n)` exactly n, throwing "invalid" past it);
 * - a peer close and a network error both arrive as `onError()`, only after the
 *   bytes already received have been read;
 * - after `close()` nothing is called back.
 * The real I/O is done by the Node parent (bridge.ts).
 */
import { onEvent, request } from "./host";
import { PendingSocket } from "./listener";

type Bytes = ArrayBuffer | ArrayBufferView;

export interface TCPOptions {
  address?: string;
  host?: string;
  port?: number;
  /** A connection read from a Listener (embedded:io/socket/listener): already connected. */
  from?: unknown;
  nodelay?: boolean;
  format?: "buffer" | "number";
  target?: unknown;
  onReadable?: (this: TCP, count: number) => void;
  onWritable?: (this: TCP, count: number) => void;
  onError?: (this: TCP) => void;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const sockets = new Map<number, TCP>();

function bytesOf(value: Bytes): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("write: expected an ArrayBuffer or a view");
}

export default class TCP {
  readonly target: unknown;
  private id: number | undefined;
  private readonly onReadable: ((count: number) => void) | undefined;
  private readonly onWritable: ((count: number) => void) | undefined;
  private readonly onError: (() => void) | undefined;
  private remote: { address: string; port: number };

  constructor(options: TCPOptions) {
    if ((options.format ?? "buffer") !== "buffer") throw new RangeError("unimplemented");
    this.target = options.target;
    this.onReadable = options.onReadable;
    this.onWritable = options.onWritable;
    this.onError = options.onError;
    if (options.from !== undefined) {
      if (!(options.from instanceof PendingSocket)) throw new Error("invalid from");
      const { header } = request({ op: "tcp.from", handle: options.from.handle });
      this.remote = { address: "127.0.0.1", port: 0 };
      this.id = Number(header.id);
      sockets.set(this.id, this);
      return;
    }
    const address = String(options.address);
    if (!IPV4.test(address)) throw new Error("invalid address");
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError("invalid port");
    this.remote = { address, port };
    const { header } = request({ op: "tcp.open", address, port, nodelay: options.nodelay ?? null });
    this.id = Number(header.id);
    sockets.set(this.id, this);
  }

  get format(): "buffer" {
    return "buffer";
  }

  set format(value: string) {
    if (value !== "buffer") throw new RangeError("unimplemented");
  }

  get remoteAddress(): string {
    return this.remote.address;
  }

  get remotePort(): number {
    return this.remote.port;
  }

  read(count?: number): ArrayBuffer | undefined {
    const { header, body } = request({ op: "tcp.read", id: this.live(), count: count ?? null });
    if (header.none) return undefined;
    const copy = new Uint8Array(body.length);
    copy.set(body);
    return copy.buffer;
  }

  write(buffer: Bytes): number | undefined {
    const { header } = request({ op: "tcp.write", id: this.live() }, bytesOf(buffer));
    return typeof header.writable === "number" ? header.writable : undefined;
  }

  close(): void {
    if (this.id === undefined) return;
    sockets.delete(this.id);
    request({ op: "tcp.close", id: this.id });
    this.id = undefined;
  }

  /** Called by the event dispatcher below, in lwIP's order: readable, then writable or error. */
  deliver(readable: number | undefined, writable: number | undefined, error: boolean): void {
    if (readable !== undefined && this.onReadable) this.onReadable.call(this, readable);
    if (this.id === undefined) return;
    if (writable !== undefined && this.onWritable) {
      // lwIP reads tcp_sndbuf() when it calls onWritable, so writes made in onReadable count (the batch's own figure would be stale).
      const now = readable !== undefined && this.onReadable ? Number(request({ op: "tcp.writable", id: this.id }).header.writable) : writable;
      this.onWritable.call(this, now);
    }
    if (this.id === undefined) return;
    if (error && this.onError) this.onError.call(this);
  }

  private live(): number {
    if (this.id === undefined) throw new Error("closed");
    return this.id;
  }
}

onEvent("tcp", (header) => {
  const socket = sockets.get(Number(header.id));
  if (!socket) return; // closed after the parent queued the event
  const readable = typeof header.readable === "number" ? header.readable : undefined;
  const writable = typeof header.writable === "number" ? header.writable : undefined;
  socket.deliver(readable, writable, header.error === true);
});
