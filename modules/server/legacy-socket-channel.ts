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

export interface LegacySocketChannelOptions {
  /** write() reports back-pressure past this many queued bytes (default 4096). */
  highWaterMark?: number;
  /** Bytes the HTTP server already took from the socket (the request line), delivered first. */
  prefix?: Uint8Array;
  /** Runs a function soon, outside the caller's stack (the platform's timer). */
  defer: (fn: () => void) => void;
}

export class LegacySocketChannel implements AcceptedChannel {
  private socket: LegacySocket | undefined;
  private events: TransportEvents | undefined;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private ending = false;
  private paused = false;
  private drainOwed = false;
  private readonly highWaterMark: number;
  /** Bytes taken from the socket that could not be handed over yet (no events, paused, or earlier bytes waiting). */
  private held: Uint8Array[] | undefined;
  private readonly defer: (fn: () => void) => void;

  constructor(socket: LegacySocket, options: LegacySocketChannelOptions) {
    this.socket = socket;
    this.highWaterMark = options.highWaterMark ?? 4096;
    this.defer = options.defer;
    if (options.prefix && options.prefix.length) this.held = [options.prefix];
    socket.callback = (message, value) => this.onSocket(message, value);
    // Called from inside the HTTP server's socket callback: the rest of the request is readable now, and only now on
    // lin.
    this.take();
  }

  get bufferedAmount(): number {
    return this.queued;
  }

  attach(events: TransportEvents): void {
    if (this.events) return;
    this.events = events;
    // What was taken before (the request's start and the headers the HTTP server left): no new "readable" comes for
    // them.
    this.defer(() => this.handOver());
  }

  write(bytes: Uint8Array): boolean {
    if (!this.socket || this.ending) return false;
    if (bytes.length) {
      this.queue.push(bytes);
      this.queued += bytes.length;
      this.flush();
    }
    const below = this.queued < this.highWaterMark;
    if (!below) this.drainOwed = true;
    return below;
  }

  end(): void {
    if (!this.socket || this.ending) return;
    this.ending = true;
    if (this.queued === 0) this.finish(undefined);
  }

  destroy(): void {
    this.finish(undefined);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.defer(() => this.handOver());
  }

  private onSocket(message: number, value: number | undefined): void {
    if (!this.socket) return;
    if (message === READABLE) this.take();
    else if (message === WRITABLE) {
      const had = this.queued > 0;
      this.flush();
      if (!this.socket || !had || this.queued > 0) return;
      if (this.ending) this.finish(undefined);
      else if (this.drainOwed) {
        this.drainOwed = false;
        this.events?.onDrain();
      }
    } else if (message < 0) {
      this.finish(
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
    if (this.events && !this.paused && !this.held) this.events.onData(bytes);
    else (this.held ??= []).push(bytes);
  }

  /** Hand held bytes over in order, while attached and not paused (a handler may pause or close meanwhile). */
  private handOver(): void {
    while (this.held && this.events && !this.paused) {
      const next = this.held.shift() as Uint8Array;
      if (this.held.length === 0) this.held = undefined;
      this.events.onData(next);
    }
  }

  /** Write what fits now; the socket says how much with write() and no argument. */
  private flush(): void {
    const socket = this.socket;
    while (socket && this.socket && this.queued > 0) {
      let room: number;
      const head = this.queue[0];
      try {
        room = Number(socket.write()) || 0;
        if (room <= 0) return;
        // The legacy socket takes ArrayBuffers; copy out exactly the bytes to send.
        socket.write(head.slice(0, Math.min(room, head.length)).buffer);
      } catch (error) {
        this.finish(
          new WebSocketError(
            "CONNECTION_LOST",
            `connection to the client failed: the socket refused a write ` +
              `(${error instanceof Error ? error.message : String(error)})`,
          ),
        );
        return;
      }
      const size = Math.min(room, head.length);
      this.queued -= size;
      if (size === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(size);
    }
  }

  private finish(error: WebSocketError | undefined): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    socket.callback = undefined;
    this.queue.length = 0;
    this.queued = 0;
    this.held = undefined;
    try {
      socket.close();
    } catch {
      // already closed underneath us
    }
    const events = this.events;
    this.events = undefined;
    if (events) this.defer(() => events.onClose(error));
  }
}
