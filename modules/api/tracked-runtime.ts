import type { Runtime } from "../client/runtime";
import type { Transport, TransportFactory } from "../transport/transport";
import type { FlowControl } from "./recv-queue";

/**
 * A runtime that remembers the transport it made last, so a facade over a
 * ReconnectingClient (which makes a new Client per attempt) can pause and
 * resume reading on whichever connection is current.
 */
export class TrackedRuntime implements Runtime, FlowControl {
  readonly platform: Runtime["platform"];
  readonly createTransport: TransportFactory;
  private current: Transport | null = null;

  constructor(inner: Runtime) {
    this.platform = inner.platform;
    this.createTransport = (target) => {
      const transport = inner.createTransport(target);
      this.current = transport;
      return transport;
    };
  }

  pause(): void {
    this.current?.pause?.();
  }

  resume(): void {
    this.current?.resume?.();
  }
}
