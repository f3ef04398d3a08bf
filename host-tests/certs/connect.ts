/**
 * Drives one connection through the library's real Client and Node transport
 * and reports what happened: opened and echoed, or the error it failed with.
 */
import { Client, type ClientOptions } from "../../node/index";
import { nodeRuntime } from "../../node/runtime";
import { nodePlatform } from "../../node/platform";
import { NodeTransport } from "../../node/transport";
import type { Runtime } from "../../modules/endpoint/runtime";
import type { ConnectTarget, Transport, TransportEvents, TransportFactory } from "../../modules/transport/transport";
import { WebSocketError } from "../../modules/core/errors";

export interface Outcome {
  opened: boolean;
  echoed?: string;
  error?: WebSocketError;
}

/**
 * A runtime whose transports (made by `factory`) dial 127.0.0.1 whatever the
 * URL's host, while TLS still sends and checks the URL's host name (SNI and
 * certificate name). Everything else goes straight to the real transport.
 */
export function loopback(factory: TransportFactory): Runtime {
  return {
    platform: nodePlatform,
    createTransport: (target) => new LoopbackTransport(factory(target)),
  };
}

export const loopbackRuntime: Runtime = loopback(() => new NodeTransport());

class LoopbackTransport implements Transport {
  constructor(private readonly inner: Transport) {}
  connect(target: ConnectTarget, events: TransportEvents): void {
    const tls = target.secure ? { ...target.tls, servername: target.tls?.servername ?? target.host } : target.tls;
    this.inner.connect({ ...target, host: "127.0.0.1", tls }, events);
  }
  write(bytes: Uint8Array): boolean { return this.inner.write(bytes); }
  get bufferedAmount(): number { return this.inner.bufferedAmount; }
  end(): void { this.inner.end(); }
  destroy(): void { this.inner.destroy(); }
  pause(): void { this.inner.pause?.(); }
  resume(): void { this.inner.resume?.(); }
}

/** Open, echo one message, close. A WebSocketError thrown by the constructor counts as the outcome too. */
export function attempt(url: string, options: ClientOptions, runtime: Runtime = nodeRuntime): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { opened: false };
    let client: Client;
    try {
      client = new Client(runtime, url, { connectTimeout: 5000, ...options }, {
        onOpen: () => {
          outcome.opened = true;
          client.send("over tls");
        },
        onMessage: (data) => {
          outcome.echoed = typeof data === "string" ? data : new TextDecoder().decode(data);
          client.close(1000);
        },
        onError: (e) => { outcome.error = e; },
        onClose: () => resolve(outcome),
      });
    } catch (e) {
      if (!(e instanceof WebSocketError)) throw e;
      outcome.error = e;
      resolve(outcome);
    }
  });
}
