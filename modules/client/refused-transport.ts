/**
 * The transport of a connection refused before anything is dialled, e.g. a
 * wss host the certificate bundle has no entry for. It reports the refusal
 * the way a failed TLS handshake is reported, after the constructor has
 * returned (error, then close 1006), so an app learns of it through its
 * handlers instead of an exception thrown where it created the socket.
 */
import type { WebSocketError } from "../core/errors";
import type { Platform, TimerHandle } from "../platform/platform";
import type { ConnectTarget, Transport, TransportEvents } from "../transport/transport";

export class RefusedTransport implements Transport {
  readonly bufferedAmount = 0;
  private events: TransportEvents | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly platform: Platform,
    private readonly error: WebSocketError,
  ) {}

  connect(_target: ConnectTarget, events: TransportEvents): void {
    this.events = events;
    this.timer = this.platform.setTimer(() => this.finish(this.error), 0);
  }

  write(): boolean {
    return false;
  }

  end(): void {
    this.destroy();
  }

  /** Closed by the app before the refusal was reported: an orderly close, still after this call returns. */
  destroy(): void {
    if (this.timer === undefined) return;
    this.platform.clearTimer(this.timer);
    this.timer = this.platform.setTimer(() => this.finish(undefined), 0);
  }

  private finish(error: WebSocketError | undefined): void {
    this.timer = undefined;
    const events = this.events;
    this.events = undefined;
    events?.onClose(error);
  }
}
