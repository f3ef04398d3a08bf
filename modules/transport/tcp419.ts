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
import { integerOption, MAX_SIZE } from "../core/options";
import { BytePipe, DEFAULT_HIGH_WATER_MARK, later, PIPE_CLOSED, PIPE_FREE_BIT } from "./byte-pipe";
import type { AcceptedChannel, ConnectTarget, Transport, TransportEvents } from "./transport";

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
export interface Tcp419SocketOptions extends Tcp419Callbacks {
  address: string;
  port: number;
}

/** What a socket is made with, dialled or accepted: the callbacks and their target. */
export interface Tcp419Callbacks {
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

/** What `listener.read()` returned (embedded:io/socket/listener): handed to the TCP constructor as `from`. */
export type PendingConnection = object;

/** The TCP constructor as the accepting side calls it. */
export type FromSocketConstructor = new (options: Tcp419Callbacks & { from: PendingConnection }) => Tcp419Socket;

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
  /**
   * write() returns false once this many bytes wait for the socket (default DEFAULT_HIGH_WATER_MARK, 16 KiB:
   * byte-pipe.ts says why).
   */
  highWaterMark?: number;
  /** The socket class (default: the platform's embedded:io/socket/tcp). */
  socket?: Tcp419SocketConstructor;
}

function stripBrackets(host: string): string {
  return host.charAt(0) === "[" && host.charAt(host.length - 1) === "]" ? host.slice(1, -1) : host;
}

/** Shared by transports made without options. */
const NO_OPTIONS: Tcp419Options = Object.freeze({});

/** Tcp419Transport's own bit in the pipe's flags: pause() was called. */
const PAUSED = PIPE_FREE_BIT;

const enum State {
  Idle,
  Resolving,
  Connecting,
  Open,
  Closed,
}

/**
 * A dialled connection (connect()) or one a listener accepted (adopt(), then
 * attach()). The write queue, drain and close are the pipe's (byte-pipe.ts);
 * the socket's writable count is the room it offers.
 */
export class Tcp419Transport extends BytePipe implements Transport, AcceptedChannel {
  /** The options as given: often one frozen object shared by every connection of a runtime. */
  private readonly settings: Tcp419Options;
  private state = State.Idle;
  private socket: Tcp419Socket | undefined;
  private where = "";
  private cancelResolve: (() => void) | undefined;
  /** Bytes the socket will take now without blocking. */
  private writable = 0;

  constructor(options: Tcp419Options = NO_OPTIONS) {
    super();
    integerOption("TCP transport option highWaterMark", options.highWaterMark, 1, MAX_SIZE, DEFAULT_HIGH_WATER_MARK);
    this.settings = options;
  }

  protected get highWaterMark(): number {
    return this.settings.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
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
    const resolve = this.settings.resolve;
    if (!resolve) {
      this.fail("CONNECTION_FAILED", `cannot connect to ${this.where}: no name resolver configured for host names`);
      return;
    }
    this.state = State.Resolving;
    let answered = false;
    const cancel = resolve(host, (address, reason) => {
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

  /**
   * Server side: take over a connection a listener accepted (`from`, what
   * `listener.read()` returned). The socket is made now, with this transport
   * as its target; call attach() before returning to the event loop (the
   * socket calls back from there). lwIP reports an accepted socket writable at
   * once, as it does a connected one: that is onOpen, as for a dialled one.
   */
  adopt(from: PendingConnection, Socket: FromSocketConstructor = TCP as unknown as FromSocketConstructor): this {
    if (this.state !== State.Idle)
      throw new WebSocketError("INVALID_STATE", "this transport was already connected once");
    this.state = State.Connecting;
    this.where = "the client";
    try {
      this.socket = new Socket(this.socketOptions({ from }));
    } catch (error) {
      // Reported once attached, as a dialled socket's failure is (never from inside the caller's call).
      this.socket = undefined;
      this.where = `cannot take the accepted connection: ${error instanceof Error ? error.message : String(error)}`;
    }
    return this;
  }

  /** AcceptedChannel: the events of an adopted connection. */
  attach(events: TransportEvents): void {
    if (this.events !== undefined || (this.flags & PIPE_CLOSED) !== 0) return;
    this.events = events;
    if (this.state === State.Connecting && this.socket === undefined) this.fail("CONNECTION_FAILED", this.where);
  }

  override end(): void {
    // Not connected yet: nothing was sent, so nothing to flush.
    if (this.state === State.Open) super.end();
    else this.destroy();
  }

  pause(): void {
    this.flags |= PAUSED;
  }

  resume(): void {
    if ((this.flags & PAUSED) === 0) return;
    this.flags &= ~PAUSED;
    // lwIP signals readable only when new bytes arrive: read what waited meanwhile.
    if (this.state === State.Open) later(() => this.readAvailable(undefined));
  }

  // ---- the pipe's sink: the socket ----

  protected canPush(): boolean {
    return this.state === State.Open && this.writable > 0;
  }

  /** Never more than the socket said it can take. */
  protected push(bytes: Uint8Array, from: number): number {
    const socket = this.socket!;
    const size = Math.min(bytes.length - from, this.writable);
    let left: number | undefined | void;
    try {
      left = socket.write(from === 0 && size === bytes.length ? bytes : bytes.subarray(from, from + size));
    } catch (error) {
      // lwIP throws "not ready" once it has seen the connection fail (its onError follows).
      this.fail(
        "CONNECTION_LOST",
        `connection to ${this.where} lost: the socket refused a write ` +
          `(${error instanceof Error ? error.message : String(error)})`,
        error,
      );
      return from;
    }
    this.writable = typeof left === "number" ? left : this.writable - size;
    return from + size;
  }

  protected endWrites(): void {
    this.close(undefined);
  }

  protected release(): void {
    this.state = State.Closed;
    this.cancelResolve?.();
    this.cancelResolve = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      try {
        socket.close();
      } catch {
        // already closed underneath us: nothing left to release
      }
    }
  }

  /** Completes a socket's options (where it connects, or what it was accepted from) with ours. */
  private socketOptions<T extends object>(where: T): T & Tcp419Callbacks {
    const options = where as T & Tcp419Callbacks;
    options.nodelay = true;
    options.format = "buffer";
    options.target = this;
    options.onReadable = Tcp419Transport.socketReadable as Tcp419Callbacks["onReadable"];
    options.onWritable = Tcp419Transport.socketWritable as Tcp419Callbacks["onWritable"];
    options.onError = Tcp419Transport.socketError as Tcp419Callbacks["onError"];
    return options;
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
    const Socket = this.settings.socket ?? (TCP as unknown as Tcp419SocketConstructor);
    try {
      this.socket = new Socket(this.socketOptions({ address, port }));
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
    this.pump();
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
    if (!socket || this.state !== State.Open || (this.flags & PAUSED) !== 0) return;
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
    this.close(new WebSocketError(code, message, cause === undefined ? undefined : { cause }));
  }
}
