import type { WebSocketError } from "../core/errors";
import type { ConnectTarget, Transport, TransportEvents } from "../transport/transport";

/**
 * A transport seen from the reconnecting layer: it reports that bytes
 * arrived (liveness for the heartbeat, even in the middle of a large
 * message) and can be killed with a reason, which the Client then reports
 * as the cause of its 1006 close.
 */
export class WatchedTransport implements Transport {
  private readonly inner: Transport;
  private readonly onBytes: () => void;
  private killError: WebSocketError | undefined;

  constructor(inner: Transport, onBytes: () => void) {
    this.inner = inner;
    this.onBytes = onBytes;
  }

  connect(target: ConnectTarget, events: TransportEvents): void {
    this.inner.connect(target, {
      onOpen: () => events.onOpen(),
      onData: (chunk) => { this.onBytes(); events.onData(chunk); },
      onDrain: () => events.onDrain(),
      onClose: (error) => events.onClose(this.killError ?? error),
    });
  }

  get bufferedAmount(): number { return this.inner.bufferedAmount; }
  write(bytes: Uint8Array): boolean { return this.inner.write(bytes); }
  end(): void { this.inner.end(); }
  destroy(): void { this.inner.destroy(); }
  pause(): void { this.inner.pause?.(); }
  resume(): void { this.inner.resume?.(); }

  /** Drop the connection now; `error` becomes the reason reported for it. */
  kill(error: WebSocketError): void {
    this.killError ??= error;
    this.inner.destroy();
  }
}
