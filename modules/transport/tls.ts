/**
 * TLS as a layer over any byte transport: the same code on the device (over
 * the ECMA-419 TCP socket, lwIP), in the XS host simulator (over its bridged
 * socket) and on Node (over a net.Socket). mbedTLS runs in the native core
 * over memory: ciphertext that arrives goes in, plaintext comes out; plaintext
 * written goes in, ciphertext comes out and is written to the inner transport.
 *
 * Event-driven: the handshake and reads advance only when ciphertext arrives,
 * writes when the inner transport has room. No timer runs while a connection
 * is idle; the only ones are the optional handshake timeout and, after end(),
 * the wait for the peer to finish.
 */
import { WebSocketError, type ErrorCode } from "../core/errors";
import type { TimerHandle } from "../platform/platform";
import { BytePipe, later, PIPE_CLOSED, PIPE_ENDING } from "./byte-pipe";
import { CUT_RECORD, NativeFailure, NativeState, type NativeTlsHost, type NativeTlsSession } from "./mbedtls-native";
import { hostsOf } from "./tls-hosts";
import { TlsSettings, type TlsTransportOptions } from "./tls-settings";
import type { ConnectTarget, Transport, TransportEvents, TransportFactory } from "./transport";

/**
 * What the transport is doing, as bits of the pipe's one number rather than a field each: from
 * PIPE_FREE_BIT (8) up; the pipe's own (closed, ending, drain owed) are below.
 */
const enum Flag {
  Opened = 8,
  ShutDown = 16,
  Paused = 32,
  /** The inner transport said it is full: wait for its onDrain before encrypting more. */
  Blocked = 64,
  /** The inner transport has closed (its onClose came). */
  InnerClosed = 128,
  /** Reading: a turn of input is under way (no nested reads from callbacks). */
  Reading = 256,
  /** The inner transport ended while the app had paused: reported once what came before is delivered. */
  CloseDeferred = 512,
}

const EMPTY = new Uint8Array(0);

/**
 * One TLS connection over one inner transport. It is the inner transport's
 * listener too (one object per connection). Plaintext written waits in the
 * pipe (byte-pipe.ts) while the handshake runs or the inner transport is full.
 */
export class TlsTransport extends BytePipe implements Transport, TransportEvents {
  private readonly settings: TlsSettings;
  private inner: Transport | undefined;
  private host: NativeTlsHost | undefined;
  private session: NativeTlsSession | undefined;
  /** Until open: the handshake's messages name it. */
  private target: ConnectTarget | undefined;
  private timer: TimerHandle | undefined;
  /** Ciphertext that arrived while paused (or while a turn was reading), not yet given to the core. */
  private held: Uint8Array | null = null;
  /** How the inner transport ended, while that waits for the app to resume. */
  private closeError: WebSocketError | undefined;

  constructor(settings: TlsSettings) {
    super();
    this.settings = settings;
  }

  /** Plaintext waiting here, and ciphertext waiting in the inner transport. */
  override get bufferedAmount(): number {
    return this.queued + (this.inner ? this.inner.bufferedAmount : 0);
  }

  protected get highWaterMark(): number {
    return this.settings.highWaterMark;
  }

  connect(target: ConnectTarget, events: TransportEvents): void {
    if (this.events) throw new WebSocketError("INVALID_STATE", "TLS transport: connect() called twice");
    this.events = events;
    this.target = target;
    try {
      // Unusable settings (no CA, a bad key...) fail here, before anything is dialled.
      this.host = hostsOf(this.settings).hostFor(target);
      this.inner = this.settings.inner({ host: target.host, port: target.port, secure: false });
    } catch (error) {
      this.close(
        error instanceof WebSocketError
          ? error
          : new WebSocketError("INVALID_ARGUMENT", String(error), { cause: error }),
      );
      return;
    }
    const { handshakeTimeout, platform } = this.settings;
    if (handshakeTimeout > 0) this.timer = platform.setTimer(() => this.handshakeTimedOut(), handshakeTimeout);
    this.inner.connect({ host: target.host, port: target.port, secure: false }, this);
  }

  override end(): void {
    if ((this.flags & (PIPE_CLOSED | PIPE_ENDING)) !== 0) return;
    if ((this.flags & Flag.Opened) === 0) {
      this.destroy();
      return;
    }
    const { platform, endTimeout } = this.settings;
    if (this.timer !== undefined) platform.clearTimer(this.timer);
    this.timer = platform.setTimer(() => this.endTimedOut(), endTimeout);
    super.end(); // close_notify once the queued plaintext is out (endWrites)
  }

  pause(): void {
    this.flags |= Flag.Paused;
    this.inner?.pause?.();
  }

  resume(): void {
    if ((this.flags & Flag.Paused) === 0) return;
    this.flags &= ~Flag.Paused;
    this.inner?.resume?.();
    // What arrived meanwhile goes in on a later turn, never from inside the caller's resume().
    if (this.session) later(() => this.take(EMPTY));
  }

  // ---- the inner transport's events ----

  /** TCP is up: start the handshake. */
  onOpen(): void {
    if ((this.flags & PIPE_CLOSED) !== 0 || !this.host) return;
    let session: NativeTlsSession;
    try {
      session = this.host.connect();
    } catch (error) {
      this.close(
        new WebSocketError(
          "TLS_ERROR",
          `TLS session for ${this.where()}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        ),
      );
      return;
    }
    this.session = session;
    this.host = undefined;
    this.sendOutput(session); // the ClientHello
    this.check(session);
  }

  onData(chunk: Uint8Array): void {
    if ((this.flags & PIPE_CLOSED) !== 0) return;
    this.take(chunk);
  }

  onDrain(): void {
    if ((this.flags & PIPE_CLOSED) !== 0) return;
    this.flags &= ~Flag.Blocked;
    this.pump();
  }

  onClose(error?: WebSocketError): void {
    this.flags |= Flag.InnerClosed;
    if ((this.flags & PIPE_CLOSED) !== 0) return;
    if (!this.session) {
      this.close(
        error ??
          new WebSocketError(
            "CONNECTION_FAILED",
            `cannot connect to ${this.where()}: the connection closed while it was being set up`,
          ),
      );
      return;
    }
    if ((this.flags & Flag.ShutDown) !== 0) {
      this.close(error); // we ended it: our close_notify went out, the peer's answer does not matter
      return;
    }
    // What arrived before the end reaches the app first: now, or after its pause.
    if ((this.flags & Flag.Paused) !== 0) {
      this.flags |= Flag.CloseDeferred;
      this.closeError = error;
      return;
    }
    if (this.held) this.take(EMPTY);
    if ((this.flags & (PIPE_CLOSED | Flag.CloseDeferred)) === 0) this.ended(error);
  }

  /** The inner transport ended (error: how) and everything before it was delivered. */
  private ended(error: WebSocketError | undefined): void {
    const session = this.session;
    if (!session || (this.flags & PIPE_CLOSED) !== 0) return;
    this.flags &= ~Flag.CloseDeferred;
    this.closeError = undefined;
    session.eof(error !== undefined && error.code === "CONNECTION_LOST");
    if (!this.deliver(session)) return;
    if (session.state === NativeState.FAILED) {
      // Our own TLS verdicts (and a record cut short) win; a plain loss keeps the transport's words and cause.
      const plainLoss = session.failure === NativeFailure.LOST && session.mbedtlsError !== CUT_RECORD;
      this.close(plainLoss && error ? error : this.nativeError(session));
    } else if ((this.flags & Flag.Opened) !== 0) {
      this.close(error);
    } else {
      this.close(
        error ?? new WebSocketError("TLS_ERROR", `TLS handshake with ${this.where()} failed: the connection closed`),
      );
    }
  }

  // ---- reading ----

  /** Gives ciphertext to the core and delivers what it decrypts, until the bytes run out or the app pauses. */
  private take(chunk: Uint8Array): void {
    const session = this.session;
    if (!session) return;
    let rest = chunk;
    if (this.held) {
      rest = chunk.length === 0 ? this.held : concat(this.held, chunk);
      this.held = null;
    }
    if ((this.flags & (Flag.Paused | Flag.Reading)) !== 0) {
      this.held = rest.length > 0 ? rest : null;
      return;
    }
    this.flags |= Flag.Reading;
    // Bytes decrypted before a pause go first.
    let alive = this.deliver(session);
    while (alive && rest.length > 0 && (this.flags & Flag.Paused) === 0) {
      const taken = session.input(rest);
      rest = taken >= rest.length ? EMPTY : rest.subarray(taken);
      this.sendOutput(session);
      alive = this.deliver(session) && this.check(session);
      if (taken === 0) break; // nothing moved: the rest waits for the next turn
    }
    this.flags &= ~Flag.Reading;
    if (!alive || (this.flags & PIPE_CLOSED) !== 0) return;
    if (rest.length > 0) this.held = rest;
    else if ((this.flags & (Flag.CloseDeferred | Flag.Paused)) === Flag.CloseDeferred) this.ended(this.closeError);
  }

  /** Hands decrypted bytes to the app. False when the transport finished meanwhile. */
  private deliver(session: NativeTlsSession): boolean {
    for (;;) {
      if ((this.flags & Flag.Opened) === 0) {
        if (session.state !== NativeState.OPEN) return true;
        if (!this.opened()) return false;
      }
      if ((this.flags & Flag.Paused) !== 0) return true;
      const plain = session.read();
      if (plain === null) return true;
      this.events?.onData(new Uint8Array(plain));
      if ((this.flags & PIPE_CLOSED) !== 0) return false;
    }
  }

  /** The handshake is done: tell the app. False when it closed us from inside onOpen. */
  private opened(): boolean {
    this.flags |= Flag.Opened;
    this.target = undefined;
    if ((this.flags & PIPE_ENDING) === 0) this.clearTimer();
    this.events?.onOpen();
    if ((this.flags & PIPE_CLOSED) !== 0) return false;
    this.pump(); // what was written before the handshake ended
    return (this.flags & PIPE_CLOSED) === 0;
  }

  /** Ends the transport when the session did. False when it did. */
  private check(session: NativeTlsSession): boolean {
    const state = session.state;
    if (state === NativeState.FAILED) {
      this.close(this.nativeError(session));
      return false;
    }
    if (state === NativeState.CLOSED) {
      this.close(
        (this.flags & Flag.Opened) !== 0
          ? undefined
          : new WebSocketError("TLS_ERROR", `TLS handshake with ${this.where()} failed: the server ended the session`),
      );
      return false;
    }
    return (this.flags & PIPE_CLOSED) === 0;
  }

  // ---- writing: the pipe's sink is the session, then the inner transport ----

  protected canPush(): boolean {
    return (this.flags & (Flag.Opened | Flag.Blocked | PIPE_CLOSED)) === Flag.Opened;
  }

  /** Encrypts from bytes[offset] while the inner transport has room; returns the offset reached. */
  protected push(bytes: Uint8Array, offset: number): number {
    const session = this.session!;
    let at = offset;
    while (at < bytes.length) {
      const n = session.write(at === 0 ? bytes : bytes.subarray(at));
      if (n <= 0) break; // -1: failed, reported by check()
      at += n;
      if (!this.sendOutput(session)) break;
    }
    if (session.state === NativeState.FAILED) this.close(this.nativeError(session));
    return at;
  }

  /** end() was called and the queued plaintext is out. */
  protected endWrites(): void {
    this.shutDown();
  }

  /** Ciphertext the core made goes to the inner transport. False when it is full (wait for its onDrain). */
  private sendOutput(session: NativeTlsSession): boolean {
    const out = session.output();
    if (out === null) return (this.flags & Flag.Blocked) === 0;
    const inner = this.inner;
    if (!inner || (this.flags & Flag.InnerClosed) !== 0) return false;
    if (!inner.write(new Uint8Array(out))) {
      this.flags |= Flag.Blocked;
      return false;
    }
    return true;
  }

  /** close_notify, then the inner transport's own end (FIN after what is queued). */
  private shutDown(): void {
    if ((this.flags & (Flag.ShutDown | PIPE_CLOSED)) !== 0) return;
    this.flags |= Flag.ShutDown;
    const session = this.session;
    if (session) {
      session.shutdown();
      this.sendOutput(session);
    }
    this.inner?.end();
  }

  // ---- timers and the end ----

  private handshakeTimedOut(): void {
    this.timer = undefined;
    if ((this.flags & (PIPE_CLOSED | Flag.Opened)) !== 0) return;
    const stage = this.session ? "TLS handshake" : "TCP connect";
    this.close(
      new WebSocketError(
        "CONNECT_TIMEOUT",
        `${stage} with ${this.where()} did not finish within ${this.settings.handshakeTimeout} ms`,
      ),
    );
  }

  private endTimedOut(): void {
    this.timer = undefined;
    this.close(undefined);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.settings.platform.clearTimer(this.timer);
    this.timer = undefined;
  }

  private where(): string {
    return this.target ? `${this.target.host}:${this.target.port}` : "the server";
  }

  private nativeError(session: NativeTlsSession): WebSocketError {
    const failure = session.failure;
    const code: ErrorCode = failure === NativeFailure.LOST ? "CONNECTION_LOST" : "TLS_ERROR";
    return new WebSocketError(code, session.error || `TLS connection with ${this.where()} failed`);
  }

  /** The pipe closed: free the session, the timer and the inner transport. */
  protected release(): void {
    this.clearTimer();
    this.session?.close();
    this.session = undefined;
    this.host = undefined;
    this.target = undefined;
    this.held = null;
    this.closeError = undefined;
    const inner = this.inner;
    this.inner = undefined;
    if (inner && (this.flags & Flag.InnerClosed) === 0) inner.destroy();
  }
}

/** A factory for a Runtime: every wss connection gets its own TlsTransport over a fresh inner transport. */
export function tlsTransportFactory(options: TlsTransportOptions): TransportFactory {
  const settings = new TlsSettings(options);
  return () => new TlsTransport(settings);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
