/**
 * The write side every byte transport shares: the ECMA-419 TCP transport
 * (tcp419.ts, dialled or adopted from a listener), the TLS layer (tls.ts) and
 * the server's callback-socket channel (server/legacy-socket-channel.ts).
 * One queue, one high-water mark, one drain rule, one way to end gracefully
 * and one way to report the close.
 *
 * - write() hands bytes straight to the sink while nothing waits and the sink
 *   has room; only what the sink cannot take now is queued, by reference (the
 *   caller must not change bytes it wrote), and the queue is made on demand.
 * - It returns false once bufferedAmount reaches the high-water mark; onDrain
 *   follows when the queue has emptied into the sink.
 * - end() lets the queue empty, then the transport finishes (FIN, close_notify).
 * - close() reports onClose exactly once, on a later turn: never from inside
 *   the call that closed it (destroy(), a write the socket refused...).
 *
 * A transport extends BytePipe rather than holding one: no second object per
 * connection, and the pipe's state bits share one number with the transport's
 * own (bits from PIPE_FREE_BIT up).
 */
import type { WebSocketError } from "../core/errors";
import type { Channel, TransportEvents } from "./transport";

/**
 * write() returns false once this many bytes wait (default of every transport
 * and server entry, and of the manifest's config.websocket.highWaterMark).
 * Why 16 KiB:
 * - it is Node's own stream default, so the Node runtime (net.Socket) and the
 *   device report back-pressure at the same point;
 * - one full TLS record (2^14 bytes of plaintext) fits under it, so the TLS
 *   layer over a socket with the same mark hands mbedTLS whole records;
 * - it is about three of lwIP's send buffers on an ESP32 (TCP_SND_BUF, 4 MSS),
 *   so the socket always has the next bytes when it reports room;
 * - it costs no memory of its own: the queue holds the bytes already given to
 *   write(), by reference; the mark only says when the app must wait.
 */
export const DEFAULT_HIGH_WATER_MARK = 16384;

/** The pipe has closed (onClose is reported, or on its way). */
export const PIPE_CLOSED = 1;
/** end() was called: the queue empties, then the transport finishes. */
export const PIPE_ENDING = 2;
/** write() returned false: onDrain is owed once the queue has emptied. */
export const PIPE_DRAIN_OWED = 4;
/** The first bit a transport may use for its own state in `flags`. */
export const PIPE_FREE_BIT = 8;

/** Runs a callback on a later turn (a promise job: every XS host runs them after each callback). */
export function later(callback: () => void): void {
  Promise.resolve().then(callback);
}

export abstract class BytePipe implements Channel {
  /** The owner's callbacks; undefined before connect()/attach() and after the close. */
  protected events: TransportEvents | undefined = undefined;
  /** PIPE_* bits, and the transport's own from PIPE_FREE_BIT up. */
  protected flags = 0;
  /** Bytes in the queue, not yet taken by the sink. */
  protected queued = 0;
  /** Bytes waiting for the sink, oldest first; null while none wait (most writes go straight through). */
  private queue: Uint8Array[] | null = null;
  /** How far the sink has taken the oldest queued bytes. */
  private headOffset = 0;

  /** write() reports back-pressure at this many buffered bytes. */
  protected abstract get highWaterMark(): number;
  /** The sink is open and has room for at least one byte now. */
  protected abstract canPush(): boolean;
  /**
   * Hands bytes[from...] to the sink, as many as it takes now (some or all);
   * returns the offset reached, `from` when it took nothing. It may close the
   * pipe (a socket that refused the write).
   */
  protected abstract push(bytes: Uint8Array, from: number): number;
  /** end() was called and nothing waits: finish gracefully (close, or close_notify first). */
  protected abstract endWrites(): void;
  /** close() was called: let go of the socket, session, timers. Called once, before onClose is reported. */
  protected abstract release(): void;

  /** Bytes accepted by write() and not yet handed to the sink. */
  get bufferedAmount(): number {
    return this.queued;
  }

  write(bytes: Uint8Array): boolean {
    if ((this.flags & (PIPE_CLOSED | PIPE_ENDING)) !== 0) return false;
    if (bytes.length > 0) {
      if (this.queue === null && this.canPush()) {
        const at = this.push(bytes, 0);
        if ((this.flags & PIPE_CLOSED) !== 0) return false;
        if (at < bytes.length) {
          // Queued whole, with the offset reached: no view made for the rest.
          this.queue = [bytes];
          this.headOffset = at;
          this.queued = bytes.length - at;
        }
      } else {
        (this.queue ??= []).push(bytes);
        this.queued += bytes.length;
        if (!this.feed() && (this.flags & PIPE_CLOSED) !== 0) return false;
      }
    }
    if (this.bufferedAmount < this.highWaterMark) return true;
    this.flags |= PIPE_DRAIN_OWED;
    return false;
  }

  end(): void {
    if ((this.flags & (PIPE_CLOSED | PIPE_ENDING)) !== 0) return;
    this.flags |= PIPE_ENDING;
    if (this.queue === null) this.endWrites();
  }

  destroy(): void {
    this.close(undefined);
  }

  /**
   * The sink has room again (or has just opened): hand it what waits; once
   * nothing waits, finish if end() was called, else pay an owed onDrain.
   */
  protected pump(): void {
    if (!this.feed()) return;
    if ((this.flags & PIPE_ENDING) !== 0) {
      this.endWrites();
    } else if ((this.flags & PIPE_DRAIN_OWED) !== 0 && this.bufferedAmount < this.highWaterMark) {
      this.flags &= ~PIPE_DRAIN_OWED;
      this.events?.onDrain();
    }
  }

  /**
   * Ends the pipe once: drops what waits, lets the transport release what it
   * holds, and reports onClose (error: why, when it was not an orderly close)
   * on a later turn. The one way every transport reports its close.
   */
  protected close(error: WebSocketError | undefined): void {
    if ((this.flags & PIPE_CLOSED) !== 0) return;
    this.flags |= PIPE_CLOSED;
    this.queue = null;
    this.queued = 0;
    this.headOffset = 0;
    this.release();
    const events = this.events;
    this.events = undefined;
    if (events !== undefined) later(() => events.onClose(error));
  }

  /** Hands waiting bytes to the sink while it takes them. True when none wait and the pipe is open. */
  private feed(): boolean {
    let queue = this.queue;
    while (queue !== null && this.canPush()) {
      const head = queue[0];
      const from = this.headOffset;
      const at = this.push(head, from);
      if ((this.flags & PIPE_CLOSED) !== 0) return false;
      this.queued -= at - from;
      if (at < head.length) {
        this.headOffset = at;
        if (at === from) return false; // the sink took nothing: the rest waits for its next room
        continue; // it took part: more, while it says it has room
      }
      this.headOffset = 0;
      queue.shift();
      if (queue.length === 0) this.queue = queue = null;
    }
    return queue === null && (this.flags & PIPE_CLOSED) === 0;
  }
}
