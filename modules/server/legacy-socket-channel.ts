/**
 * An AcceptedChannel over Moddable's callback socket (the `socket` module),
 * which is what Moddable's HTTP server hands over in `server.detach(request)`.
 * That socket calls back `callback(message, value)`: 2 bytes readable
 * (value = count), 3 room to write (value = bytes writable), -1 disconnected,
 * -2 error. `write()` with no argument answers how many bytes fit now; we
 * never write more than that and keep the rest queued.
 *
 * On Moddable's Linux simulator (SDK 8.2.3, modules/network/socket/lin) the
 * received bytes exist only while the socket's callback runs (a buffer on the
 * C stack, at most 1024 bytes per callback): bytes not read by then are gone.
 * The HTTP server detaches from inside that callback, with the rest of the
 * request still unread, and a paused channel would lose what arrives. So this
 * channel reads what is readable at once, always, and holds what it cannot
 * hand over yet. (lwIP on an ESP32 keeps unread bytes; reading at once costs
 * nothing there.) The lin socket also throws from write() ("write failed")
 * when the kernel takes less than all: that ends the connection as an error.
 */
import { WebSocketError } from "../core/errors";
import { BytePipe, DEFAULT_HIGH_WATER_MARK, PIPE_CLOSED, PIPE_FREE_BIT } from "../transport/byte-pipe";
import type { AcceptedChannel, TransportEvents } from "../transport/transport";

/** Moddable's legacy TCP socket, as far as this channel uses it. */
export interface LegacySocket {
  callback: ((message: number, value?: number) => void) | undefined;
  /** read(ArrayBuffer) takes everything waiting; read() with no argument counts it. */
  read(type?: typeof ArrayBuffer, count?: number): ArrayBuffer | number | undefined;
  write(...data: ArrayBuffer[]): number | void;
  close(): void;
}

const READABLE = 2;
const WRITABLE = 3;

/** The channel's own bit in the pipe's flags: pause() was called. */
const PAUSED = PIPE_FREE_BIT;

export interface LegacySocketChannelOptions {
  /**
   * write() reports back-pressure past this many queued bytes (default 16384: modules/transport/byte-pipe.ts says why).
   */
  highWaterMark?: number;
  /** Bytes the HTTP server already took from the socket (the request line), delivered first. */
  prefix?: Uint8Array;
  /** Runs a function soon, outside the caller's stack (the platform's timer): hands held bytes over. */
  defer: (fn: () => void) => void;
}

/** The write queue, drain and close are the pipe's (byte-pipe.ts); the socket's write() says how much room it has. */
export class LegacySocketChannel extends BytePipe implements AcceptedChannel {
  private socket: LegacySocket | undefined;
  private readonly limit: number;
  /** Bytes taken from the socket that could not be handed over yet (no events, paused, or earlier bytes waiting). */
  private held: Uint8Array[] | undefined;
  private readonly defer: (fn: () => void) => void;

  constructor(socket: LegacySocket, options: LegacySocketChannelOptions) {
    super();
    this.socket = socket;
    this.limit = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.defer = options.defer;
    if (options.prefix && options.prefix.length) this.held = [options.prefix];
    socket.callback = (message, value) => this.onSocket(message, value);
    // Called from inside the HTTP server's socket callback: the rest of the request is readable now, and only now on
    // lin.
    this.take();
  }

  protected get highWaterMark(): number {
    return this.limit;
  }

  attach(events: TransportEvents): void {
    if (this.events || (this.flags & PIPE_CLOSED) !== 0) return;
    this.events = events;
    // What was taken before (the request's start and the headers the HTTP server left): no new "readable" comes for
    // them.
    this.defer(() => this.handOver());
  }

  pause(): void {
    this.flags |= PAUSED;
  }

  resume(): void {
    if ((this.flags & PAUSED) === 0) return;
    this.flags &= ~PAUSED;
    this.defer(() => this.handOver());
  }

  // ---- the pipe's sink: the socket ----

  protected canPush(): boolean {
    return this.socket !== undefined;
  }

  /** Writes what fits now; the socket says how much with write() and no argument. */
  protected push(bytes: Uint8Array, from: number): number {
    const socket = this.socket!;
    let size: number;
    try {
      const room = Number(socket.write()) || 0;
      if (room <= 0) return from;
      size = Math.min(room, bytes.length - from);
      // The legacy socket takes ArrayBuffers; copy out exactly the bytes to send.
      socket.write(bytes.slice(from, from + size).buffer);
    } catch (error) {
      this.close(
        new WebSocketError(
          "CONNECTION_LOST",
          `connection to the client failed: the socket refused a write ` +
            `(${error instanceof Error ? error.message : String(error)})`,
        ),
      );
      return from;
    }
    return from + size;
  }

  protected endWrites(): void {
    this.close(undefined);
  }

  protected release(): void {
    const socket = this.socket!;
    this.socket = undefined;
    socket.callback = undefined;
    this.held = undefined;
    try {
      socket.close();
    } catch {
      // already closed underneath us
    }
  }

  private onSocket(message: number, value: number | undefined): void {
    if (!this.socket) return;
    if (message === READABLE) this.take();
    else if (message === WRITABLE) this.pump();
    else if (message < 0) {
      this.close(
        new WebSocketError(
          "CONNECTION_LOST",
          `connection to the client ` +
            `${message === -2 ? "failed" : "was closed by the client"}${value === undefined ? "" : ` (${value})`}`,
        ),
      );
    }
  }

  /** Read everything readable now; hand it over if nothing is in the way, else hold it. */
  private take(): void {
    const socket = this.socket;
    if (!socket) return;
    const waiting = socket.read();
    if (typeof waiting !== "number" || waiting <= 0) return;
    const buffer = socket.read(ArrayBuffer);
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
    const bytes = new Uint8Array(buffer);
    if (this.events && (this.flags & PAUSED) === 0 && !this.held) this.events.onData(bytes);
    else (this.held ??= []).push(bytes);
  }

  /** Hand held bytes over in order, while attached and not paused (a handler may pause or close meanwhile). */
  private handOver(): void {
    while (this.held && this.events && (this.flags & PAUSED) === 0) {
      const next = this.held.shift() as Uint8Array;
      if (this.held.length === 0) this.held = undefined;
      this.events.onData(next);
    }
  }
}
