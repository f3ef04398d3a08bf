/**
 * The device Runtime: Moddable timers and randomness, ECMA-419 TCP for ws:.
 * wss: needs the mbedTLS transport (modules/transport/mbedtls.ts, in progress);
 * until it lands, a wss target gets a typed error instead of a transport.
 */
import type { Runtime } from "../client/runtime";
import { WebSocketError } from "../core/errors";
import { createModdablePlatform, type ModdablePlatformOptions } from "../platform/moddable";
import { Tcp419Transport, type HostResolver } from "../transport/tcp419";
import type { ConnectTarget, Transport } from "../transport/transport";
import { netResolver } from "./net-resolver";

export interface DeviceRuntimeOptions {
  platform?: ModdablePlatformOptions;
  /** Name resolution (default: Moddable's Net.resolve). */
  resolve?: HostResolver;
  /** Bytes queued per connection before write() reports back-pressure. */
  highWaterMark?: number;
}

export function createDeviceRuntime(options: DeviceRuntimeOptions = {}): Runtime {
  return {
    platform: createModdablePlatform(options.platform),
    createTransport(target: ConnectTarget): Transport {
      if (target.secure) {
        throw new WebSocketError(
          "TLS_ERROR",
          `wss://${target.host}:${target.port}: TLS is not available in this device build yet (the mbedTLS transport has not landed)`,
        );
      }
      return new Tcp419Transport({ resolve: options.resolve ?? netResolver, highWaterMark: options.highWaterMark });
    },
  };
}

/** The runtime device entry modules use by default. */
export const deviceRuntime: Runtime = createDeviceRuntime();
