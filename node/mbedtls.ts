/**
 * The device's TLS path on Node: the N-API binding of the mbedTLS C core
 * (built by scripts/build-native.sh) under the same TypeScript TLS layer the
 * device runs (modules/transport/tls.ts), over plain Node TCP sockets.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { Runtime } from "../modules/endpoint/runtime";
import { WebSocketError } from "../modules/core/errors";
import { optionError, optionsObject, stringOption } from "../modules/core/options";
import type { Platform } from "../modules/platform/platform";
import type { MbedtlsNative, NativeTlsHost, NativeTlsHostOptions } from "../modules/transport/mbedtls-native";
import { tlsTransportFactory } from "../modules/transport/tls";
import type { TlsTransportOptions } from "../modules/transport/tls-settings";
import type { ConnectTarget, Transport, TransportFactory } from "../modules/transport/transport";
import { nodePlatform } from "./platform";
import { NodeTransport } from "./transport";

interface Addon {
  TlsHost: new (options: NativeTlsHostOptions) => NativeTlsHost;
  mbedtlsVersion: string;
  sessionStructSize: number;
  hostStructSize: number;
}

export interface LoadedMbedtlsNative extends MbedtlsNative {
  /** mbedTLS version the addon was built against, e.g. "2.28.3". */
  readonly mbedtlsVersion: string;
  /** Bytes of one connection's C struct (mbedTLS's context and record buffers come on top). */
  readonly sessionStructSize: number;
  /** Bytes of one host's C struct (its parsed certificates come on top). */
  readonly hostStructSize: number;
}

const ADDON = path.join("native", "node", "build", "Release", "wsx_tls.node");
const PACKAGE = "moddable-websocket-client";

/**
 * This package's root: the source tree (tests, a clone) or the installed package. A CommonJS bundle
 * knows its own folder; the ESM one finds the package the way a require() from the app would.
 */
function packageRoot(): string | undefined {
  if (typeof __dirname === "string") {
    const up = path.resolve(__dirname, "..");
    if (existsSync(path.join(up, "package.json"))) return up;
  }
  // From the app's main script, then from the working directory.
  const bases = [process.argv[1], path.join(process.cwd(), "index.js")];
  for (const base of bases) {
    if (!base) continue;
    try {
      const main = createRequire(path.resolve(base)).resolve(PACKAGE);
      for (let dir = path.dirname(main); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "native", "node"))) return dir;
      }
    } catch {
      // Not installed where that base can require it.
    }
  }
  return undefined; // the working directory is the last guess
}

/** Where the addon is looked for: an explicit path alone; else $WSX_TLS_ADDON, this package, the working directory. */
function candidates(addonPath: string | undefined, root: string | undefined): string[] {
  if (addonPath) return [path.resolve(addonPath)];
  const list: string[] = [];
  const env = process.env.WSX_TLS_ADDON;
  if (env) list.push(path.resolve(env));
  if (root) list.push(path.join(root, ADDON));
  const local = path.resolve(process.cwd(), ADDON);
  if (!list.includes(local)) list.push(local);
  return list;
}

/** The command that builds the addon where this package is (a clone or node_modules), for the error. */
function buildCommand(root: string | undefined): string {
  const script = path.join(root ?? path.join("node_modules", PACKAGE), "scripts", "build-native.sh");
  return `sh ${path.relative(process.cwd(), script) || script}`;
}

let cached: LoadedMbedtlsNative | undefined;

/**
 * The N-API binding of the mbedTLS core. Throws TLS_ERROR when it is not built, naming the paths
 * looked at and the command that builds it.
 */
export function loadMbedtlsNative(addonPath?: string): LoadedMbedtlsNative {
  if (cached && !addonPath) return cached;
  const root = addonPath ? undefined : packageRoot();
  const tried = candidates(addonPath, root);
  const found = tried.find((p) => existsSync(p));
  if (!found) {
    throw new WebSocketError("TLS_ERROR",
      `mbedtlsRuntime: the mbedTLS addon (wsx_tls.node) is not built (looked at ${tried.join(", ")}). ` +
      `Build it with \`${buildCommand(root ?? packageRoot())}\` (a C compiler and mbedTLS 2.28 or 3.x headers: ` +
      "Debian's libmbedtls-dev), or give its path as addonPath or $WSX_TLS_ADDON; docs/mbedtls.md");
  }
  const addon = createRequire(path.join(process.cwd(), "index.js"))(found) as Addon;
  const native: LoadedMbedtlsNative = Object.freeze({
    host: (options: NativeTlsHostOptions) => new addon.TlsHost(options),
    mbedtlsVersion: addon.mbedtlsVersion,
    sessionStructSize: addon.sessionStructSize,
    hostStructSize: addon.hostStructSize,
  });
  if (!addonPath) cached = native;
  return native;
}

/** The TLS layer's options that a Node caller may set (the binding, the platform and the socket are the runtime's). */
export type MbedtlsTlsOptions = Omit<TlsTransportOptions, "native" | "platform" | "inner">;

export interface MbedtlsRuntimeOptions extends MbedtlsTlsOptions {
  /** Timers, randomness and UTF-8 (default: the Node platform); a test can pass one that watches its timers. */
  platform?: Platform;
  /** Where the built addon is; default: $WSX_TLS_ADDON, else native/node/build/Release/wsx_tls.node in this package. */
  addonPath?: string;
}

/** A TransportFactory for wss targets: the TLS layer over Node TCP sockets, with one host cache. */
export function nodeTlsTransports(platform: Platform, options: MbedtlsTlsOptions & { addonPath?: string } = {}): TransportFactory {
  const { addonPath, ...tls } = optionsObject("mbedTLS transport options", options) as MbedtlsTlsOptions & { addonPath?: string };
  stringOption("mbedTLS transport option addonPath", addonPath);
  return tlsTransportFactory({ ...tls, native: loadMbedtlsNative(addonPath), platform, inner: plainTcp });
}

function plainTcp(): Transport {
  return new NodeTransport();
}

/**
 * A Runtime for Client, ReconnectingClient and the facades that runs the
 * device's TLS path: wss through the mbedTLS C core and the TLS layer over a
 * plain Node socket, ws over the same socket transport. Sessions are resumed
 * per host (`resumption: false` turns that off). Needs the addon
 * (scripts/build-native.sh).
 *
 * ```ts
 * import { Client, mbedtlsRuntime } from "moddable-websocket-client";
 * const client = new Client(mbedtlsRuntime(), "wss://localhost:8443/", { tls: { ca: [caPem] } }, listener);
 * ```
 */
export function mbedtlsRuntime(options: MbedtlsRuntimeOptions = {}): Runtime {
  const { platform = nodePlatform, addonPath, ...tls } = optionsObject("mbedtlsRuntime options", options) as MbedtlsRuntimeOptions;
  if (typeof platform !== "object" || platform === null || typeof platform.setTimer !== "function") {
    throw optionError("mbedtlsRuntime option platform", platform, "a Platform");
  }
  const secure = nodeTlsTransports(platform, { ...tls, addonPath });
  return Object.freeze({
    platform,
    createTransport: (target: ConnectTarget): Transport => (target.secure ? secure(target) : new NodeTransport()),
  });
}
