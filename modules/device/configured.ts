/**
 * What every device entry shares: the manifest's settings, one runtime with
 * its write high-water mark, and the default client options (limits and the
 * flash certificate bundle). Options an app passes win over these.
 */
import config from "mc/config";
import type { ClientOptions } from "../client/client";
import type { Runtime } from "../client/runtime";
import { flashBundleProvider } from "./certificates";
import { createDeviceRuntime } from "./runtime";
import { readSettings, type DeviceSettings } from "./settings";

export const settings: DeviceSettings = readSettings(config);

export const runtime: Runtime = createDeviceRuntime({ highWaterMark: settings.highWaterMark });

const defaults: ClientOptions = {
  maxMessageSize: settings.maxMessageSize,
  maxFragments: settings.maxFragments,
  closeTimeout: settings.closeTimeout,
  connectTimeout: settings.connectTimeout,
  certificates: flashBundleProvider(settings.certificates),
};

/** The app's options over the manifest's defaults; an option left undefined keeps the default. */
export function withDefaults<T extends object>(options: T | undefined): T & ClientOptions {
  const merged: Record<string, unknown> = { ...defaults };
  if (options) {
    for (const [name, value] of Object.entries(options)) {
      if (value !== undefined) merged[name] = value;
    }
  }
  return merged as T & ClientOptions;
}
