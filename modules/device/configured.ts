/**
 * What every device entry shares: the manifest's settings, one runtime (ECMA-419
 * TCP for ws:, the TLS layer over the same TCP with mbedTLS's XS binding for
 * wss:, resuming sessions per host), and the
 * default client options (limits, the flash certificate bundle, the
 * permessage-deflate offer). Options an app passes win over these.
 */
import config from "mc/config";
import wsxTls from "wsx-tls";
import type { ClientOptions } from "../client/client";
import type { Runtime } from "../endpoint/runtime";
import { tlsTransportFactory } from "../transport/tls";
import { flashBundleProvider } from "./certificates";
import { sdkInflateCompression } from "./compression";
import { createDeviceRuntime } from "./runtime";
import { readSettings, type DeviceSettings } from "./settings";

export const settings: DeviceSettings = readSettings(config);

// Frozen: these are preloaded into flash, where a frozen object needs no RAM alias.
export const runtime: Runtime = Object.freeze(
  createDeviceRuntime({
    platform: settings.perMessageDeflate ? { compression: sdkInflateCompression() } : undefined,
    highWaterMark: settings.highWaterMark,
    debug: settings.debug,
    secure: (platform, tcp) =>
      tlsTransportFactory({
        native: wsxTls,
        platform,
        inner: tcp,
        highWaterMark: settings.highWaterMark,
        resumption: settings.tlsResumption,
      }),
  }),
);

/** Client options from the manifest; an entry puts the app's own options over them (api/options.ts). */
export const defaults: ClientOptions = Object.freeze({
  maxMessageSize: settings.maxMessageSize,
  maxFragments: settings.maxFragments,
  closeTimeout: settings.closeTimeout,
  connectTimeout: settings.connectTimeout,
  certificates: flashBundleProvider(settings.certificates),
  perMessageDeflate: settings.perMessageDeflate,
});
