/**
 * The device Runtime: Moddable timers and randomness, ECMA-419 TCP for ws:.
 * wss: goes to the `secure` transport factory when a build supplies one (the
 * TLS layer, modules/transport/tls.ts, over the same ECMA-419 TCP transport);
 * without one, a wss target gets a typed error instead of a transport.
 */
import type { Runtime } from "../endpoint/runtime";
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
  /** Transports for wss targets, made with this runtime's platform over its TCP transports (e.g. the TLS layer). */
  secure?: (platform: Platform, tcp: TransportFactory) => TransportFactory;
  /** Debug lines through trace (config.websocket.debug: modules/device/debug.ts). */
  debug?: boolean;
}

export function createDeviceRuntime(options: DeviceRuntimeOptions = {}): Runtime {
  const base = createModdablePlatform(options.platform);
  const platform: Platform = options.debug ? { ...base, debug: traceDebug } : base;
  // Frozen, and the factories keep only consts: device entries make their runtime while modules preload.
  const tcpSettings = Object.freeze({ resolve: options.resolve ?? netResolver, highWaterMark: options.highWaterMark });
  const tcp: TransportFactory = () => new Tcp419Transport(tcpSettings);
  const secure = options.secure ? options.secure(platform, tcp) : undefined;
  return Object.freeze({
    platform,
    createTransport(target: ConnectTarget): Transport {
      if (target.secure) {
        if (secure) return secure(target);
        throw new WebSocketError(
          "TLS_ERROR",
          `wss://${target.host}:${target.port}: this device runtime has no TLS transport (pass ` +
            `createDeviceRuntime({ secure }) with the TLS layer, modules/transport/tls.ts)`,
        );
      }
      return tcp(target);
    },
  });
}
