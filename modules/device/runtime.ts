/**
 * The device Runtime: Moddable timers and randomness, ECMA-419 TCP for ws:.
 * wss: goes to the `secure` transport factory when a build supplies one (the
 * mbedTLS transport, modules/transport/mbedtls.ts over its XS binding);
 * without one, a wss target gets a typed error instead of a transport.
 */
import type { Runtime } from "../client/runtime";
import { WebSocketError } from "../core/errors";
import { createModdablePlatform, type ModdablePlatformOptions } from "../platform/moddable";
import { Tcp419Transport, type HostResolver } from "../transport/tcp419";
import type { Platform } from "../platform/platform";
import type { ConnectTarget, Transport, TransportFactory } from "../transport/transport";
import { traceDebug } from "./debug";
import { netResolver } from "./net-resolver";

export interface DeviceRuntimeOptions {
  platform?: ModdablePlatformOptions;
  /** Name resolution (default: Moddable's Net.resolve). */
  resolve?: HostResolver;
  /** Bytes queued per connection before write() reports back-pressure. */
  highWaterMark?: number;
  /** Transports for wss targets, made with this runtime's platform (e.g. the mbedTLS transport). */
  secure?: (platform: Platform) => TransportFactory;
  /** Debug lines through trace (config.websocket.debug: modules/device/debug.ts). */
  debug?: boolean;
}

export function createDeviceRuntime(options: DeviceRuntimeOptions = {}): Runtime {
  const base = createModdablePlatform(options.platform);
  const platform: Platform = options.debug ? { ...base, debug: traceDebug } : base;
  const secure = options.secure ? options.secure(platform) : undefined;
  // Frozen, and createTransport keeps only consts: device entries make their runtime while modules preload.
  const tcp = Object.freeze({ resolve: options.resolve ?? netResolver, highWaterMark: options.highWaterMark });
  return Object.freeze({
    platform,
    createTransport(target: ConnectTarget): Transport {
      if (target.secure) {
        if (secure) return secure(target);
        throw new WebSocketError(
          "TLS_ERROR",
          `wss://${target.host}:${target.port}: this device runtime has no TLS transport (pass createDeviceRuntime({ secure }) with the mbedTLS transport)`,
        );
      }
      return new Tcp419Transport(tcp);
    },
  });
}
