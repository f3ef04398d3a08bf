import type { Runtime } from "../endpoint/runtime";
import type { ConnectTarget, Transport } from "../transport/transport";
import type { FlowControl } from "./recv-queue";

/**
 * A runtime that remembers the transport it made last, so a facade over a
 * ReconnectingClient (which makes a new Client per attempt) can pause and
 * resume reading on whichever connection is current.
 */
export class TrackedRuntime implements Runtime, FlowControl {
  readonly platform: Runtime["platform"];
  private readonly inner: Runtime;
  private current: Transport | null = null;

  constructor(inner: Runtime) {
    this.platform = inner.platform;
    this.inner = inner;
  }

  // A method, not a closure per runtime: the Client calls it as runtime.createTransport(target).
  createTransport(target: ConnectTarget): Transport {
    const transport = this.inner.createTransport(target);
    this.current = transport;
    return transport;
  }

  pause(): void {
    this.current?.pause?.();
  }

  resume(): void {
    this.current?.resume?.();
  }
}
