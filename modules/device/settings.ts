/**
 * The device limits an app can tune in its manifest (`config.websocket`, read
 * through mc/config). manifest_namespaced.json holds the one set of defaults;
 * an app's own `config.websocket` entries override them key by key.
 */
import { WebSocketError } from "../core/errors";
import { validateDeflateOptions, type PerMessageDeflateOptions } from "../core/extensions/permessage-deflate";

export interface DeviceSettings {
  maxMessageSize: number;
  maxFragments: number;
  closeTimeout: number;
  connectTimeout: number;
  /** Bytes queued per connection before send() reports back-pressure. */
  highWaterMark: number;
  /** Resource name of the certificate bundle mapped from flash. */
  certificates: string;
  /** What every connection offers (manifest_deflate.json turns it on); false: no offer, no inflater in RAM. */
  perMessageDeflate: false | PerMessageDeflateOptions;
}

/**
 * `"perMessageDeflate": true` in a manifest: small windows, as a device wants. The server compresses
 * with 1 KiB of window (less memory for it; the SDK's miniz inflater keeps 32 KiB whatever it is told),
 * and client_max_window_bits is not offered, since a device sends uncompressed.
 */
export const DEVICE_DEFLATE_OFFER: PerMessageDeflateOptions = Object.freeze({ serverMaxWindowBits: 10, clientMaxWindowBits: false });

// Frozen here and below: preloaded into flash, a frozen object needs no RAM alias (XS linker warnings).
const NUMBERS = Object.freeze(["maxMessageSize", "maxFragments", "closeTimeout", "connectTimeout", "highWaterMark"] as const);

function bad(message: string): never {
  throw new WebSocketError("INVALID_ARGUMENT", "manifest config.websocket: " + message);
}

/** Checks the `config` object mcconfig generated; a missing or malformed entry is a build mistake, so it throws. */
export function readSettings(config: unknown): DeviceSettings {
  const section = (config as { websocket?: unknown } | null | undefined)?.websocket;
  if (typeof section !== "object" || section === null) bad("missing (include the client's manifest.json or manifest_namespaced.json)");
  const values = section as Record<string, unknown>;
  const settings = {} as DeviceSettings;
  for (const name of NUMBERS) {
    // mcconfig's command line (`name=value`) passes strings.
    const raw = values[name];
    const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
      bad(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    }
    settings[name] = value;
  }
  const certificates = values.certificates;
  if (typeof certificates !== "string" || certificates === "") bad(`certificates must be a resource name, got ${JSON.stringify(certificates)}`);
  settings.certificates = certificates;
  settings.perMessageDeflate = readDeflate(values.perMessageDeflate);
  return Object.freeze(settings);
}

function readDeflate(value: unknown): false | PerMessageDeflateOptions {
  if (value === undefined || value === false || value === "false") return false;
  if (value === true || value === "true") return DEVICE_DEFLATE_OFFER;
  try {
    return Object.freeze({ ...validateDeflateOptions(value) });
  } catch (error) {
    return bad(`${error instanceof Error ? error.message : String(error)} (perMessageDeflate is true, false or an object of options: docs/compression.md)`);
  }
}
