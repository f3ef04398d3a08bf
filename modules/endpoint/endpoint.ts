import { CLOSING, CONNECTING, type ConnectionEvents, type FramedConnection, type ReadyState } from "../core/connection";
import { WebSocketError } from "../core/errors";
import type { Platform, TimerHandle } from "../platform/platform";
import type { Channel, TransportEvents } from "../transport/transport";
import { toPayload, type SendData } from "./payload";

export interface OpenInfo {
  protocol: string;
  extensions: string;
  /** Client role: the server's response headers. Server role: the client's request headers. */
  headers: Map<string, string>;
}

export interface ClientListener {
  onOpen?(info: OpenInfo): void;
  onMessage?(data: string | Uint8Array, binary: boolean): void;
  onFragment?(data: string | Uint8Array, binary: boolean, final: boolean): void;
  onPing?(payload: Uint8Array): void;
  onPong?(payload: Uint8Array): void;
  /** At most one per connection, always followed by onClose. */
  onError?(error: WebSocketError): void;
  /** Bytes arrived, even in the middle of a message (liveness, for a heartbeat). */
  onBytes?(): void;
  onClose?(code: number, reason: string, wasClean: boolean): void;
  /** The transport flushed everything written so far. */
  onDrain?(): void;
  /** Bytes of one frame (of any kind) handed to the transport: lets an API tell what it still holds. */
  onWrite?(bytes: number): void;
}

/** The part of a connection that either role drives with bytes. */
export interface DrivenConnection extends FramedConnection {
  receive(chunk: Uint8Array): void;
}

/**
 * One end of a WebSocket connection over a transport: owns the timers the
 * core leaves to its owner, maps core events to a listener, and carries the
 * calls every API shares. The client and server roles extend it.
 */
export abstract class Endpoint implements TransportEvents, ConnectionEvents {
  protocol = "";
  extensions = "";
  protected abstract readonly connection: DrivenConnection;
  protected abstract readonly transport: Channel;
  protected readonly platform: Platform;
  protected readonly listener: ClientListener;
  private readonly closeTimeout: number;
  private timer: TimerHandle | undefined;
  private transportGone = false;

  constructor(platform: Platform, listener: ClientListener, closeTimeout: number) {
    this.platform = platform;
    this.listener = listener;
    this.closeTimeout = closeTimeout;
  }

  get readyState(): ReadyState {
    return this.connection.state;
  }

  get bufferedAmount(): number {
    return this.transportGone ? 0 : this.transport.bufferedAmount;
  }

  /** Send a message; false when the connection is not OPEN (nothing was sent). */
  send(data: SendData, binary?: boolean): boolean {
    this.notConnecting("send()");
    const payload = toPayload(data);
    return this.connection.send(payload, binary ?? typeof payload !== "string");
  }

  sendFrame(fin: boolean, opcode: number, data: SendData): boolean {
    this.notConnecting("sendFrame()");
    return this.connection.sendFrame(fin, opcode, toPayload(data));
  }

  ping(data?: SendData): boolean {
    this.notConnecting("ping()");
    return this.connection.ping(data === undefined ? undefined : toPayload(data));
  }

  /**
   * Start the closing handshake, or abort a connection still opening.
   * An invalid code or reason throws and sends nothing.
   */
  close(code?: number, reason?: string, anyWireCode = false): void {
    this.connection.close(code, reason, anyWireCode);
    if (this.connection.state === CONNECTING) {
      this.connection.abort(new WebSocketError("ABORTED", "closed before the connection was established"));
    }
  }

  /**
   * Drop the connection at once, without a closing handshake: `error` is reported as its cause and the close
   * is 1006 (a keep-alive that got no answer).
   */
  drop(error: WebSocketError): void {
    this.connection.abort(error);
  }

  /** Stop reading from the transport (flow control for pull-style APIs). */
  pause(): void {
    this.transport.pause?.();
  }

  resume(): void {
    this.transport.resume?.();
  }

  // ---- transport events ----

  abstract onOpen(): void;

  onData(chunk: Uint8Array): void {
    this.listener.onBytes?.();
    this.connection.receive(chunk);
  }

  onDrain(): void {
    this.listener.onDrain?.();
  }

  onClose(error?: WebSocketError): void {
    this.transportGone = true;
    this.stopTimer();
    // TCP (or TLS) being up is not the WebSocket being open: whatever a transport calls the end
    // (a reset, a FIN), before the handshake completes it is a connection that failed.
    if (this.connection.state === CONNECTING && (!error || error.code === "CONNECTION_LOST"))
      error = this.closedWhileOpening(error);
    this.connection.transportClosed(error);
  }

  /** The error for a transport that ended before the opening handshake completed; `cause` is the transport's own. */
  protected abstract closedWhileOpening(cause?: WebSocketError): WebSocketError;

  // ---- the connection's events: the endpoint is the core's listener itself (no forwarding object) ----

  /** False: the transport is over its high-water mark, or gone (the server role pauses reading on it). */
  onOutput(bytes: Uint8Array): boolean {
    if (this.transportGone) return false;
    this.listener.onWrite?.(bytes.length);
    return this.transport.write(bytes);
  }

  onEstablished(protocol: string, extensions: string, headers: Map<string, string>): void {
    this.stopTimer();
    const debug = this.platform.debug;
    if (debug) debug(`${this.debugName()}: open, protocol "${protocol}", extensions "${extensions}"`);
    this.protocol = protocol;
    this.extensions = extensions;
    this.listener.onOpen?.({ protocol, extensions, headers });
  }

  onMessage(data: string | Uint8Array, binary: boolean): void {
    this.listener.onMessage?.(data, binary);
  }

  onFragment(data: string | Uint8Array, binary: boolean, final: boolean): void {
    this.listener.onFragment?.(data, binary, final);
  }

  onPing(payload: Uint8Array): void {
    this.listener.onPing?.(payload);
  }

  onPong(payload: Uint8Array): void {
    this.listener.onPong?.(payload);
  }

  onStateChange(state: ReadyState): void {
    if (state === CLOSING) {
      const ms = this.closeTimeout;
      this.startTimer(ms, () =>
        this.connection.closeTimedOut(
          new WebSocketError(
            "CLOSE_TIMEOUT",
            `the peer did not answer our close frame within ${ms} ms (closeTimeout)`,
            { closeCode: 1006 },
          ),
        ),
      );
    }
  }

  onShutdown(graceful: boolean): void {
    if (this.transportGone) return;
    if (graceful) this.transport.end();
    else this.transport.destroy();
  }

  onClosed(code: number, reason: string, wasClean: boolean): void {
    this.stopTimer();
    const debug = this.platform.debug;
    if (debug) debug(`${this.debugName()}: closed ${code} "${reason}"${wasClean ? " clean" : " not clean"}`);
    this.listener.onClose?.(code, reason, wasClean);
  }

  onError(error: WebSocketError): void {
    const debug = this.platform.debug;
    if (debug)
      debug(
        `${this.debugName()}: error ${error.code}${error.closeCode ? ` (close ${error.closeCode})` : ""}: ` +
          `${error.message}`,
      );
    this.listener.onError?.(error);
  }

  /** Who the debug log lines are about (a client says its URL). */
  protected debugName(): string {
    return "connection";
  }

  protected startTimer(ms: number, fire: () => void): void {
    this.stopTimer();
    this.timer = this.platform.setTimer(() => {
      this.timer = undefined;
      fire();
    }, ms);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) {
      this.platform.clearTimer(this.timer);
      this.timer = undefined;
    }
  }

  private notConnecting(call: string): void {
    if (this.connection.state === CONNECTING) {
      throw new WebSocketError("INVALID_STATE", `${call} before the connection is open`);
    }
  }
}
