import type { WebSocketError } from "../core/errors";
import type { ConnectTarget, Transport, TransportEvents } from "../transport/transport";

/** Told that bytes arrived (liveness for the heartbeat). */
export interface BytesWatcher {
  bytesSeen(): void;
}

/**
 * A transport seen from the reconnecting layer: it reports that bytes
 * arrived (liveness for the heartbeat, even in the middle of a large
 * message) and can be killed with a reason, which the Client then reports
 * as the cause of its 1006 close. It is its inner transport's listener
 * itself, so no closures are made per connection (XS heap on a device).
 */
export class WatchedTransport implements Transport, TransportEvents {
  private readonly inner: Transport;
  private readonly watcher: BytesWatcher;
  private events: TransportEvents | undefined;
  private killError: WebSocketError | undefined;

  constructor(inner: Transport, watcher: BytesWatcher) {
    this.inner = inner;
    this.watcher = watcher;
  }

  connect(target: ConnectTarget, events: TransportEvents): void {
    this.events = events;
    this.inner.connect(target, this);
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

  // ---- the inner transport's events, passed on ----

  onOpen(): void {
    this.events!.onOpen();
  }

  onData(chunk: Uint8Array): void {
    this.watcher.bytesSeen();
    this.events!.onData(chunk);
  }

  onDrain(): void {
    this.events!.onDrain();
  }

  onClose(error?: WebSocketError): void {
    this.events!.onClose(this.killError ?? error);
  }
}
