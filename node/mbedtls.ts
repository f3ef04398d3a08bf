/**
 * Node side of the mbedTLS transport: loads the N-API binding built by
 * scripts/build-native.sh and makes transports that run the device's
 * TypeScript transport (modules/transport/mbedtls.ts) over it.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { Platform } from "../modules/platform/platform";
import type { TransportFactory } from "../modules/transport/transport";
import type { MbedtlsNative, NativeTlsOptions, NativeTlsSocket } from "../modules/transport/mbedtls-native";
import { mbedtlsTransportFactory, type MbedtlsTransportOptions } from "../modules/transport/mbedtls";

interface Addon {
  TlsSocket: new (options: NativeTlsOptions) => NativeTlsSocket;
  mbedtlsVersion: string;
  connectionStructSize: number;
}

export interface LoadedMbedtlsNative extends MbedtlsNative {
  /** mbedTLS version the addon was built against, e.g. "2.28.3". */
  readonly mbedtlsVersion: string;
  /** Bytes of one connection's C struct (the TLS buffers come on top). */
  readonly connectionStructSize: number;
}

const ADDON = path.join("native", "node", "build", "Release", "wsx_tls.node");

/** Where the addon is looked for: an explicit path, $WSX_TLS_ADDON, next to this package's sources, or under the working directory. */
function candidates(addonPath?: string): string[] {
  const list: string[] = [];
  if (addonPath) list.push(path.resolve(addonPath));
  const env = process.env.WSX_TLS_ADDON;
  if (env) list.push(path.resolve(env));
  if (typeof __dirname === "string") list.push(path.resolve(__dirname, "..", ADDON));
  list.push(path.resolve(process.cwd(), ADDON));
  return list;
}

let cached: LoadedMbedtlsNative | undefined;

export function loadMbedtlsNative(addonPath?: string): LoadedMbedtlsNative {
  if (cached && !addonPath) return cached;
  const tried = candidates(addonPath);
  const found = tried.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`mbedTLS addon not built (looked at ${tried.join(", ")}): run scripts/setup-system.sh, then scripts/build-native.sh`);
  }
  const addon = createRequire(path.join(process.cwd(), "index.js"))(found) as Addon;
  const native: LoadedMbedtlsNative = {
    open: (options) => new addon.TlsSocket(options),
    mbedtlsVersion: addon.mbedtlsVersion,
    connectionStructSize: addon.connectionStructSize,
  };
  if (!addonPath) cached = native;
  return native;
}

/** A TransportFactory for a Runtime on Node: `{ platform, createTransport: nodeMbedtlsTransports(platform) }`. */
export function nodeMbedtlsTransports(
  platform: Platform,
  options: Omit<MbedtlsTransportOptions, "native" | "platform"> & { addonPath?: string } = {},
): TransportFactory {
  const { addonPath, ...rest } = options;
  return mbedtlsTransportFactory({ ...rest, native: loadMbedtlsNative(addonPath), platform });
}
