/**
 * An accepted channel that holds a place in its server's count
 * (maxConnections) and gives it back the moment the channel closes: before
 * the WebSocket hears of the close, so `server.connections` no longer counts
 * a connection inside its own onclose, and its place is free for the next.
 * One forwarding object per connection, no listener or closure.
 */
import type { AcceptedChannel, TransportEvents } from "../transport/transport";
import type { WebSocketError } from "../core/errors";
import type { Admission } from "./admission";

export class AdmittedChannel implements AcceptedChannel, TransportEvents {
  private events: TransportEvents | undefined;

  /** `admission.enter()` was true for this connection; leave() is called once, when the channel closes. */
  constructor(
    private readonly channel: AcceptedChannel,
    private readonly admission: Admission,
  ) {}

  get bufferedAmount(): number {
    return this.channel.bufferedAmount;
  }

  attach(events: TransportEvents): void {
    if (this.events) return;
    this.events = events;
    this.channel.attach(this);
  }

  write(bytes: Uint8Array): boolean {
    return this.channel.write(bytes);
  }

  end(): void {
    this.channel.end();
  }

  destroy(): void {
    this.channel.destroy();
  }

  pause(): void {
    this.channel.pause?.();
  }

  resume(): void {
    this.channel.resume?.();
  }

  onOpen(): void {
    this.events?.onOpen();
  }

  onData(chunk: Uint8Array): void {
    this.events?.onData(chunk);
  }

  onDrain(): void {
    this.events?.onDrain();
  }

  onClose(error?: WebSocketError): void {
    this.admission.leave();
    this.events?.onClose(error);
  }
}
