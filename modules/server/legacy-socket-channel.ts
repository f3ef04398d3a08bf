/**
 * An AcceptedChannel over Moddable's callback socket (the `socket` module),
 * which is what Moddable's HTTP server hands over in `server.detach(request)`.
 * That socket calls back `callback(message, value)`: 2 bytes readable
 * (value = count), 3 room to write (value = bytes writable), -1 disconnected,
 * -2 error. `write()` with no argument answers how many bytes fit now; we
 * never write more than that and keep the rest queued.
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
  private prefix: Uint8Array | undefined;
  private readonly defer: (fn: () => void) => void;

  constructor(socket: LegacySocket, options: LegacySocketChannelOptions) {
    this.socket = socket;
    this.highWaterMark = options.highWaterMark ?? 4096;
    this.prefix = options.prefix;
    this.defer = options.defer;
    socket.callback = (message, value) => this.onSocket(message, value);
  }

  get bufferedAmount(): number {
    return this.queued;
  }

  attach(events: TransportEvents): void {
    if (this.events) return;
    this.events = events;
    // The HTTP server may have left header bytes in the socket: no new "readable" comes for them.
    this.defer(() => {
      const prefix = this.prefix;
      this.prefix = undefined;
      if (prefix && prefix.length) this.events?.onData(prefix);
      this.readAvailable();
    });
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
    this.defer(() => this.readAvailable());
  }

  private onSocket(message: number, value: number | undefined): void {
    if (!this.socket) return;
    if (message === READABLE) this.readAvailable();
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
      this.finish(new WebSocketError("CONNECTION_LOST", `connection to the client ${message === -2 ? "failed" : "was closed by the client"}${value === undefined ? "" : ` (${value})`}`));
    }
  }

  private readAvailable(): void {
    const socket = this.socket;
    if (!socket || this.paused || !this.events || this.prefix) return;
    const waiting = socket.read();
    if (typeof waiting !== "number" || waiting <= 0) return;
    const buffer = socket.read(ArrayBuffer);
    if (buffer instanceof ArrayBuffer && buffer.byteLength) this.events.onData(new Uint8Array(buffer));
  }

  /** Write what fits now; the socket says how much with write() and no argument. */
  private flush(): void {
    const socket = this.socket;
    while (socket && this.queued > 0) {
      const room = Number(socket.write()) || 0;
      if (room <= 0) return;
      const head = this.queue[0];
      const size = Math.min(room, head.length);
      // The legacy socket takes ArrayBuffers; copy out exactly the bytes to send.
      socket.write(head.slice(0, size).buffer);
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
