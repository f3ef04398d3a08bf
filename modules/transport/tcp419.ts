/**
 * Transport over the ECMA-419 TCP socket (`embedded:io/socket/tcp`): lwIP on
 * an ESP32, Moddable's own simulators, and the XS host simulator in
 * host-tests/xs. Semantics followed (Moddable's lwIP socket):
 * - the socket takes an IP `address`, never a name: names are resolved first;
 * - the first onWritable(count) means connected; write() before that throws;
 * - write() throws when given more than the writable count and returns the
 *   count left (some ports return nothing: then we count down ourselves);
 * - a peer close and a network failure both arrive as onError(), after the
 *   bytes already received have been read.
 */
import TCP from "embedded:io/socket/tcp";
import { WebSocketError } from "../core/errors";
import { isIpLiteral } from "../core/ip-address";
import type { ConnectTarget, Transport, TransportEvents } from "./transport";

/** The part of an ECMA-419 TCP socket this transport uses. */
export interface Tcp419Socket {
  read(count?: number): ArrayBuffer | undefined;
  write(bytes: ArrayBuffer | ArrayBufferView): number | undefined | void;
  close(): void;
}

/**
 * ECMA-419 calls a socket's callbacks with `this` set to the socket, and the
 * socket keeps the `target` it was given as its `target` property.
 */
export interface Tcp419SocketOptions {
  address: string;
  port: number;
  nodelay?: boolean;
  format: "buffer";
  target: unknown;
  onReadable(this: { readonly target: unknown }, count: number): void;
  onWritable(this: { readonly target: unknown }, count: number): void;
  onError(this: { readonly target: unknown }): void;
}

/** A socket made by this transport: its `target` is the transport. */
interface OwnSocket {
  readonly target: Tcp419Transport;
}

export type Tcp419SocketConstructor = new (options: Tcp419SocketOptions) => Tcp419Socket;

/**
 * Turns a host name into an IP address; calls back exactly once, with the
 * address or with undefined and a reason. Returns a function that cancels.
 */
export type HostResolver = (
  host: string,
  done: (address: string | undefined, reason?: string) => void,
) => (() => void) | void;

export interface Tcp419Options {
  /** Name resolution for hosts that are not IP literals (the device runtime supplies one). */
  resolve?: HostResolver;
  /** write() returns false once this many bytes wait for the socket (default 16 KiB). */
  highWaterMark?: number;
  /** The socket class (default: the platform's embedded:io/socket/tcp). */
  socket?: Tcp419SocketConstructor;
}

function stripBrackets(host: string): string {
  return host.charAt(0) === "[" && host.charAt(host.length - 1) === "]" ? host.slice(1, -1) : host;
}

function later(callback: () => void): void {
  Promise.resolve().then(callback);
}

const enum State {
  Idle,
  Resolving,
  Connecting,
  Open,
  Closed,
}

export class Tcp419Transport implements Transport {
  private readonly Socket: Tcp419SocketConstructor;
  private readonly resolve: HostResolver | undefined;
  private readonly highWaterMark: number;
  private state = State.Idle;
  private socket: Tcp419Socket | undefined;
  private events: TransportEvents | undefined;
  private where = "";
  private cancelResolve: (() => void) | undefined;
  /** Bytes the socket will take now without blocking. */
  private writable = 0;
  /** Bytes waiting for the socket; made the first time bytes must wait (most writes go straight through). */
  private queue: Uint8Array[] | null = null;
  private queueOffset = 0;
  private queued = 0;
  private ending = false;
  private paused = false;
  private drainOwed = false;

  constructor(options: Tcp419Options = {}) {
    this.Socket = options.socket ?? (TCP as unknown as Tcp419SocketConstructor);
    this.resolve = options.resolve;
    this.highWaterMark = options.highWaterMark ?? 16384;
  }

  get bufferedAmount(): number {
    return this.queued;
  }

  connect(target: ConnectTarget, events: TransportEvents): void {
    if (this.state !== State.Idle)
      throw new WebSocketError("INVALID_STATE", "this transport was already connected once");
    this.events = events;
    this.where = `${target.host}:${target.port}`;
    if (target.secure) {
      this.fail(
        "CONNECTION_FAILED",
        `${this.where}: the plain ECMA-419 TCP transport cannot carry wss by itself (wss is the TLS layer, ` +
          `modules/transport/tls.ts, over it)`,
      );
      return;
    }
    const host = stripBrackets(target.host);
    if (isIpLiteral(host)) {
      this.open(host, target.port);
      return;
    }
    if (!this.resolve) {
      this.fail("CONNECTION_FAILED", `cannot connect to ${this.where}: no name resolver configured for host names`);
      return;
    }
    this.state = State.Resolving;
    let answered = false;
    const cancel = this.resolve(host, (address, reason) => {
      if (answered || this.state !== State.Resolving) return;
      answered = true;
      this.cancelResolve = undefined;
      if (address) this.open(address, target.port);
      else
        this.fail(
          "CONNECTION_FAILED",
          `cannot connect to ${this.where}: host name not found${reason ? ` (${reason})` : ""}`,
        );
    });
    if (!answered && typeof cancel === "function") this.cancelResolve = cancel;
  }

  write(bytes: Uint8Array): boolean {
    if (this.state === State.Closed || this.ending) return false;
    if (bytes.length > 0) {
      if (this.state === State.Open && this.queued === 0 && bytes.length <= this.writable && this.socket) {
        this.writeToSocket(this.socket, bytes); // nothing waits and the socket takes it all
      } else {
        (this.queue ??= []).push(bytes);
        this.queued += bytes.length;
        if (this.state === State.Open) this.flush();
      }
    }
    const below = this.queued < this.highWaterMark;
    if (!below) this.drainOwed = true;
    return below;
  }

  end(): void {
    if (this.state === State.Closed || this.ending) return;
    this.ending = true;
    if (this.state !== State.Open || this.queued === 0) this.finish(undefined);
  }

  destroy(): void {
    if (this.state === State.Closed) return;
    this.finish(undefined);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    // lwIP signals readable only when new bytes arrive: read what waited meanwhile.
    if (this.state === State.Open) later(() => this.readAvailable(undefined));
  }

  // One set of socket callbacks for every transport, finding theirs through the socket's
  // `target`: three closures per connection cost about 600 bytes of XS heap on an ESP32.
  private static socketReadable(this: OwnSocket, count: number): void {
    this.target.readAvailable(count);
  }

  private static socketWritable(this: OwnSocket, count: number): void {
    this.target.onWritable(count);
  }

  private static socketError(this: OwnSocket): void {
    this.target.onSocketError();
  }

  private open(address: string, port: number): void {
    this.state = State.Connecting;
    try {
      this.socket = new this.Socket({
        address,
        port,
        nodelay: true,
        format: "buffer",
        target: this,
        onReadable: Tcp419Transport.socketReadable as Tcp419SocketOptions["onReadable"],
        onWritable: Tcp419Transport.socketWritable as Tcp419SocketOptions["onWritable"],
        onError: Tcp419Transport.socketError as Tcp419SocketOptions["onError"],
      });
    } catch (error) {
      this.socket = undefined;
      const reason = error instanceof Error ? error.message : String(error);
      this.fail("CONNECTION_FAILED", `cannot connect to ${this.where} (${address}): ${reason}`, error);
    }
  }

  private onWritable(count: number): void {
    if (this.state === State.Closed) return;
    this.writable = count;
    if (this.state === State.Connecting && !this.opened()) return;
    const hadQueue = this.queued > 0;
    this.flush();
    if (this.state !== State.Open) return;
    if (hadQueue && this.queued === 0) {
      if (this.ending) {
        this.finish(undefined);
        return;
      }
      if (this.drainOwed) {
        this.drainOwed = false;
        this.events?.onDrain();
      }
    }
  }

  /** Hand queued bytes to the socket, never more than it said it can take. */
  private flush(): void {
    const socket = this.socket;
    const queue = this.queue;
    while (socket && queue && this.state === State.Open && this.queued > 0 && this.writable > 0) {
      const head = queue[0];
      const size = Math.min(head.length - this.queueOffset, this.writable);
      if (!this.writeToSocket(socket, head.subarray(this.queueOffset, this.queueOffset + size))) return;
      this.queueOffset += size;
      this.queued -= size;
      if (this.queueOffset === head.length) {
        queue.shift();
        this.queueOffset = 0;
      }
    }
  }

  /** Bytes the socket said it can take now. False when it refused them (the transport is then closed). */
  private writeToSocket(socket: Tcp419Socket, bytes: Uint8Array): boolean {
    let left: number | undefined | void;
    try {
      left = socket.write(bytes);
    } catch (error) {
      // lwIP throws "not ready" once it has seen the connection fail (its onError follows).
      this.fail(
        "CONNECTION_LOST",
        `connection to ${this.where} lost: the socket refused a write ` +
          `(${error instanceof Error ? error.message : String(error)})`,
        error,
      );
      return false;
    }
    this.writable = typeof left === "number" ? left : this.writable - bytes.length;
    return true;
  }

  /** Connected: tell the owner. False when the owner closed us from inside onOpen. */
  private opened(): boolean {
    this.state = State.Open;
    this.events?.onOpen();
    return this.state === State.Open;
  }

  private readAvailable(count: number | undefined): void {
    // lwIP drops the pending "writable" when data, FIN and the connect arrive in
    // one batch, so bytes can be the first sign that the socket is connected.
    if (this.state === State.Connecting && this.socket && !this.opened()) return;
    const socket = this.socket;
    if (!socket || this.state !== State.Open || this.paused) return;
    // Read exactly what the socket reported; read() alone takes everything waiting.
    const buffer = count === undefined ? socket.read() : socket.read(count);
    if (buffer && buffer.byteLength > 0) this.events?.onData(new Uint8Array(buffer));
  }

  private onSocketError(): void {
    if (this.state === State.Closed) return;
    if (this.state === State.Connecting) {
      this.fail(
        "CONNECTION_FAILED",
        `cannot connect to ${this.where}: the connection was refused or could not be established`,
      );
    } else {
      this.fail("CONNECTION_LOST", `connection to ${this.where} closed by the peer or lost`);
    }
  }

  private fail(code: "CONNECTION_FAILED" | "CONNECTION_LOST", message: string, cause?: unknown): void {
    this.finish(new WebSocketError(code, message, cause === undefined ? undefined : { cause }));
  }

  /** Close the socket and report onClose once, asynchronously (never from inside a caller's call). */
  private finish(error: WebSocketError | undefined): void {
    if (this.state === State.Closed) return;
    this.state = State.Closed;
    this.cancelResolve?.();
    this.cancelResolve = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.queue = null;
    this.queued = 0;
    this.queueOffset = 0;
    if (socket) {
      try {
        socket.close();
      } catch {
        // already closed underneath us: nothing left to release
      }
    }
    const events = this.events;
    this.events = undefined;
    if (events) later(() => events.onClose(error));
  }
}
