/**
 * Drives one connection through the library's real Client and Node transport
 * and reports what happened: opened and echoed, or the error it failed with.
 */
import { Client, type ClientOptions } from "../../node/index";
import { nodeRuntime } from "../../node/runtime";
import { nodePlatform } from "../../node/platform";
import { NodeTransport } from "../../node/transport";
import type { Runtime } from "../../modules/client/runtime";
import type { ConnectTarget, TransportEvents } from "../../modules/transport/transport";
import { WebSocketError } from "../../modules/core/errors";

export interface Outcome {
  opened: boolean;
  echoed?: string;
  error?: WebSocketError;
}

/**
 * A runtime whose transports dial 127.0.0.1 whatever the URL's host, while TLS
 * still sends and checks the URL's host name (SNI and certificate name).
 */
export const loopbackRuntime: Runtime = {
  platform: nodePlatform,
  createTransport: () => new LoopbackTransport(),
};

class LoopbackTransport extends NodeTransport {
  override connect(target: ConnectTarget, events: TransportEvents): void {
    const tls = target.secure ? { ...target.tls, servername: target.tls?.servername ?? target.host } : target.tls;
    super.connect({ ...target, host: "127.0.0.1", tls }, events);
  }
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
