/**
 * Transport over the native mbedTLS core (native/core/wsx_tls.c). The same
 * code runs on the device (XS binding) and on Node (N-API binding): the native
 * module is injected, and the connection is driven by polling it from the
 * platform's timers, so neither TCP connect nor the TLS handshake ever blocks
 * the VM. Polls come back-to-back while bytes move and slow down (up to
 * maxPollInterval) while the line is idle.
 */
import { WebSocketError, type ErrorCode } from "../core/errors";
import type { Platform, TimerHandle } from "../platform/platform";
import type { CertData, ConnectTarget, Transport, TransportEvents, TransportFactory } from "./transport";
import {
  NativeFailure,
  NativeState,
  STATE_MASK,
  STEP_PROGRESS,
  type MbedtlsNative,
  type NativeTlsOptions,
  type NativeTlsSocket,
} from "./mbedtls-native";

export interface MbedtlsTransportOptions {
  native: MbedtlsNative;
  platform: Platform;
  /** Longest pause between polls of an idle connection, in ms. Default 16. */
  maxPollInterval?: number;
  /** Fail with CONNECT_TIMEOUT if TCP + TLS are not up after this many ms. 0 (default): no limit of its own. */
  handshakeTimeout?: number;
  /** After end(), how long to wait for the peer to close before closing anyway, in ms. Default 2000. */
  endTimeout?: number;
  /** write() returns false once this many bytes wait to be sent. Default 65536. */
  highWaterMark?: number;
  /** Decrypted bytes per native read (the core holds one buffer of this size). 0: the core's default. */
  readBufferSize?: number;
  /** Ask the server for smaller TLS records (RFC 6066): 0, 512, 1024, 2048 or 4096. */
  maxFragmentLength?: number;
  /** Reads per poll before yielding to other work. Default 16. */
  readsPerPoll?: number;
}

const FAILURE_CODES: Record<number, ErrorCode> = {
  [NativeFailure.CONNECT]: "CONNECTION_FAILED",
  [NativeFailure.TLS]: "TLS_ERROR",
  [NativeFailure.LOST]: "CONNECTION_LOST",
  [NativeFailure.CONFIG]: "TLS_ERROR",
};

/**
 * The options resolved, frozen, and shared by every transport of one factory
 * (one reference per connection instead of nine fields: XS heap on a device).
 */
export class MbedtlsSettings {
  readonly native: MbedtlsNative;
  readonly platform: Platform;
  readonly maxPollInterval: number;
  readonly handshakeTimeout: number;
  readonly endTimeout: number;
  readonly highWaterMark: number;
  readonly readsPerPoll: number;
  readonly readBufferSize: number;
  readonly maxFragmentLength: number;

  constructor(options: MbedtlsTransportOptions) {
    this.native = options.native;
    this.platform = options.platform;
    this.maxPollInterval = positive(options.maxPollInterval, 16);
    this.handshakeTimeout = positive(options.handshakeTimeout, 0);
    this.endTimeout = positive(options.endTimeout, 2000);
    this.highWaterMark = positive(options.highWaterMark, 65536);
    this.readsPerPoll = Math.max(1, positive(options.readsPerPoll, 16));
    this.readBufferSize = positive(options.readBufferSize, 0);
    this.maxFragmentLength = positive(options.maxFragmentLength, 0);
    Object.freeze(this);
  }
}

/** What the transport is doing, as bits of one number rather than a field each. */
const enum Flag {
  Opened = 1,
  Ending = 2,
  ShutDown = 4,
  Paused = 8,
  Finished = 16,
  NeedDrain = 32,
  /** The target was wss (kept after the target itself is let go). */
  Secure = 64,
}

export class MbedtlsTransport implements Transport {
  private readonly settings: MbedtlsSettings;
  private socket: NativeTlsSocket | undefined;
  private events: TransportEvents | undefined;
  /** Until open: the handshake's error messages name it. Then let go, with the TLS options it carries. */
  private target: ConnectTarget | undefined;
  private pollTimer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private idleDelay = 1;
  private flags = 0;
  /** Bytes waiting for the socket; made the first time bytes must wait (most writes go straight through). */
  private queue: Uint8Array[] | null = null;
  private queueHead = 0;
  private headOffset = 0;
  private queued = 0;

  constructor(options: MbedtlsTransportOptions | MbedtlsSettings) {
    this.settings = options instanceof MbedtlsSettings ? options : new MbedtlsSettings(options);
  }

  get bufferedAmount(): number {
    return this.queued;
  }

  connect(target: ConnectTarget, events: TransportEvents): void {
    if (this.events) throw new WebSocketError("INVALID_STATE", "mbedTLS transport: connect() called twice");
    this.events = events;
    this.target = target;
    if (target.secure) this.flags |= Flag.Secure;
    let options: NativeTlsOptions;
    try {
      options = this.nativeOptions(target);
    } catch (error) {
      this.finishLater(error instanceof WebSocketError ? error : new WebSocketError("INVALID_ARGUMENT", String(error)));
      return;
    }
    try {
      this.socket = this.settings.native.open(options);
    } catch (error) {
      this.finishLater(new WebSocketError("INVALID_ARGUMENT", `mbedTLS transport: ${String(error)}`, { cause: error }));
      return;
    }
    const { handshakeTimeout } = this.settings;
    if (handshakeTimeout > 0) {
      this.deadlineTimer = this.settings.platform.setTimer(() => this.handshakeTimedOut(), handshakeTimeout);
    }
    this.schedule(0);
  }

  write(bytes: Uint8Array): boolean {
    if ((this.flags & (Flag.Finished | Flag.Ending)) !== 0) return false;
    if (bytes.length > 0) {
      const opened = (this.flags & Flag.Opened) !== 0;
      const socket = this.socket;
      if (opened && this.queued === 0 && socket) {
        // Nothing waits: straight to the socket; only what it did not take waits (no array per message).
        const taken = Math.max(0, socket.write(bytes)); // -1: failure, seen as state FAILED by the next poll
        if (taken < bytes.length) {
          // After a 0 the core needs the same bytes again: the view is kept whole, with an offset.
          this.queue = [bytes];
          this.queueHead = 0;
          this.headOffset = taken;
          this.queued = bytes.length - taken;
          this.schedule(0);
        }
      } else {
        (this.queue ??= []).push(bytes);
        this.queued += bytes.length;
        if (opened) this.flush(false);
        if (this.queued > 0) this.schedule(0);
      }
    }
    if (this.queued >= this.settings.highWaterMark) {
      this.flags |= Flag.NeedDrain;
      return false;
    }
    return true;
  }

  end(): void {
    if ((this.flags & (Flag.Finished | Flag.Ending)) !== 0) return;
    this.flags |= Flag.Ending;
    if ((this.flags & Flag.Opened) === 0) {
      this.destroy();
      return;
    }
    this.deadlineTimer = this.replaceTimer(this.deadlineTimer, () => this.finish(), this.settings.endTimeout);
    this.schedule(0);
  }

  destroy(): void {
    if ((this.flags & Flag.Finished) !== 0) return;
    this.finishLater(undefined);
  }

  pause(): void {
    this.flags |= Flag.Paused;
  }

  resume(): void {
    if ((this.flags & Flag.Paused) === 0) return;
    this.flags &= ~Flag.Paused;
    this.schedule(0);
  }

  /** One poll: advance the handshake, move queued bytes out, bring bytes in. */
  private poll(): void {
    this.pollTimer = undefined;
    const socket = this.socket;
    if ((this.flags & Flag.Finished) !== 0 || !socket) return;
    let progress = false;

    if ((this.flags & Flag.Opened) === 0) {
      const result = socket.step();
      progress = (result & STEP_PROGRESS) !== 0;
      const state = result & STATE_MASK;
      if (state === NativeState.FAILED || state === NativeState.CLOSED) {
        this.finish(this.nativeError(socket, "the connection closed while it was being set up"));
        return;
      }
      if (state !== NativeState.OPEN) {
        this.scheduleAfter(progress);
        return;
      }
      this.flags |= Flag.Opened;
      this.target = undefined;
      if ((this.flags & Flag.Ending) === 0) this.clearDeadline();
      this.events?.onOpen();
      if ((this.flags & Flag.Finished) !== 0) return;
      progress = true;
    }

    if (this.flush(true)) progress = true;
    if ((this.flags & Flag.Finished) !== 0) return;

    const reads = this.settings.readsPerPoll;
    for (let i = 0; i < reads && (this.flags & Flag.Paused) === 0; i++) {
      const chunk = socket.read();
      if (chunk === null) break;
      progress = true;
      this.events?.onData(new Uint8Array(chunk));
      if ((this.flags & Flag.Finished) !== 0) return;
    }

    const state = socket.state;
    if (state === NativeState.CLOSED) {
      this.finish();
      return;
    }
    if (state === NativeState.FAILED) {
      this.finish(this.nativeError(socket, "the connection failed"));
      return;
    }
    if ((this.flags & (Flag.Ending | Flag.ShutDown)) === Flag.Ending && this.queued === 0) {
      this.flags |= Flag.ShutDown;
      socket.shutdown();
    }
    this.scheduleAfter(progress);
  }

  /** Writes queued bytes until the socket would block. True when any moved. */
  private flush(mayDrain: boolean): boolean {
    const socket = this.socket;
    const queue = this.queue;
    if (!socket) return false;
    let moved = false;
    if (queue) {
      while (this.queueHead < queue.length) {
        const head = queue[this.queueHead];
        // After a 0 the core needs the same bytes again: head and offset only change when bytes are accepted.
        const view = this.headOffset === 0 ? head : head.subarray(this.headOffset);
        const n = socket.write(view);
        if (n <= 0) break; // 0: would block; -1: failure, seen as state FAILED by the caller
        moved = true;
        this.queued -= n;
        this.headOffset += n;
        if (this.headOffset >= head.length) {
          this.queueHead++;
          this.headOffset = 0;
        }
      }
      if (this.queueHead === queue.length) {
        this.queue = null;
        this.queueHead = 0;
      } else if (this.queueHead > 64) {
        this.queue = queue.slice(this.queueHead);
        this.queueHead = 0;
      }
    }
    // onDrain only from a poll: never from inside the caller's write().
    if (mayDrain && (this.flags & Flag.NeedDrain) !== 0 && this.queued === 0) {
      this.flags &= ~Flag.NeedDrain;
      this.events?.onDrain();
    }
    return moved;
  }

  private handshakeTimedOut(): void {
    this.deadlineTimer = undefined;
    if ((this.flags & (Flag.Finished | Flag.Opened)) !== 0) return;
    const state = this.socket ? this.socket.state : NativeState.IDLE;
    const stage = state === NativeState.HANDSHAKING ? "TLS handshake" : "TCP connect";
    const where = this.target ? `${this.target.host}:${this.target.port}` : "the server";
    this.finish(new WebSocketError("CONNECT_TIMEOUT", `${stage} with ${where} did not finish within ${this.settings.handshakeTimeout} ms`));
  }

  private nativeError(socket: NativeTlsSocket, fallback: string): WebSocketError | undefined {
    const failure = socket.failure;
    if (socket.state !== NativeState.FAILED && failure === NativeFailure.NONE) {
      return (this.flags & Flag.Opened) !== 0 ? undefined : new WebSocketError("CONNECTION_FAILED", fallback);
    }
    const code = FAILURE_CODES[failure] ?? ((this.flags & Flag.Secure) !== 0 ? "TLS_ERROR" : "CONNECTION_FAILED");
    return new WebSocketError(code, socket.error || fallback);
  }

  private nativeOptions(target: ConnectTarget): NativeTlsOptions {
    const tls = target.tls ?? {};
    const options: NativeTlsOptions = {
      host: target.host,
      port: target.port,
      secure: target.secure,
      verify: tls.verify !== false,
      insist: tls.insist === true,
      readBufferSize: this.settings.readBufferSize,
      maxFragmentLength: this.settings.maxFragmentLength,
    };
    if (tls.servername !== undefined) options.servername = tls.servername;
    if (tls.ca) options.ca = tls.ca.map((c, i) => certBytes(c, `tls.ca[${i}]`));
    if (tls.chain) options.chain = tls.chain.map((c, i) => certBytes(c, `tls.chain[${i}]`));
    if (tls.cert !== undefined) options.cert = certBytes(tls.cert, "tls.cert");
    if (tls.key !== undefined) options.key = certBytes(tls.key, "tls.key");
    if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
    return options;
  }

  private scheduleAfter(progress: boolean): void {
    if (progress) {
      this.idleDelay = 1;
      this.schedule(0);
    } else {
      this.schedule(this.idleDelay);
      this.idleDelay = Math.min(this.idleDelay * 2, this.settings.maxPollInterval);
    }
  }

  private schedule(ms: number): void {
    if ((this.flags & Flag.Finished) !== 0 || !this.socket) return;
    const { platform } = this.settings;
    if (this.pollTimer !== undefined) {
      if (ms > 0) return; // a poll is already due
      platform.clearTimer(this.pollTimer);
    }
    this.pollTimer = platform.setTimer(() => this.poll(), ms);
  }

  private replaceTimer(handle: TimerHandle | undefined, callback: () => void, ms: number): TimerHandle {
    const { platform } = this.settings;
    if (handle !== undefined) platform.clearTimer(handle);
    return platform.setTimer(callback, ms);
  }

  private clearDeadline(): void {
    if (this.deadlineTimer !== undefined) this.settings.platform.clearTimer(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  /** Ends now and reports on the next turn (destroy() must not call back into its caller). */
  private finishLater(error: WebSocketError | undefined): void {
    this.stop();
    this.settings.platform.setTimer(() => this.events?.onClose(error), 0);
  }

  private finish(error?: WebSocketError): void {
    if ((this.flags & Flag.Finished) !== 0) return;
    this.stop();
    this.events?.onClose(error);
  }

  private stop(): void {
    this.flags |= Flag.Finished;
    if (this.pollTimer !== undefined) this.settings.platform.clearTimer(this.pollTimer);
    this.pollTimer = undefined;
    this.clearDeadline();
    this.socket?.close();
    this.target = undefined;
    this.queue = null;
    this.queueHead = 0;
    this.headOffset = 0;
    this.queued = 0;
  }
}

/** Transport factory for a Runtime: every connection gets its own MbedtlsTransport. */
export function mbedtlsTransportFactory(options: MbedtlsTransportOptions): TransportFactory {
  const settings = new MbedtlsSettings(options);
  return () => new MbedtlsTransport(settings);
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === "number" && value >= 0 && Number.isFinite(value) ? value : fallback;
}

/** PEM text becomes its ASCII bytes; DER (and PEM already as bytes) passes through. */
function certBytes(data: CertData, name: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data !== "string") throw new WebSocketError("INVALID_ARGUMENT", `${name} must be PEM text or DER bytes`);
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c > 0x7f) throw new WebSocketError("INVALID_ARGUMENT", `${name} is not PEM: it has a non-ASCII character at offset ${i}`);
    bytes[i] = c;
  }
  return bytes;
}
