/**
 * The device limits an app can tune in its manifest (`config.websocket`, read
 * through mc/config). manifest_namespaced.json holds the one set of defaults;
 * an app's own `config.websocket` entries override them key by key.
 */
import { WebSocketError } from "../core/errors";
import { booleanOption, integerOption, knownOptions, MAX_SIZE, msOption, optionError } from "../core/options";
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
  /** Debug lines through `trace` (handshake, close codes, errors, reconnect decisions); off by default. */
  debug: boolean;
  /** wss: resume the TLS session kept per host on the next connection to it (default true). */
  tlsResumption: boolean;
}

/**
 * `"perMessageDeflate": true` in a manifest: small windows, as a device wants. The server compresses
 * with 1 KiB of window (less memory for it; the SDK's miniz inflater keeps 32 KiB whatever it is told),
 * and client_max_window_bits is not offered, since a device sends uncompressed.
 */
export const DEVICE_DEFLATE_OFFER: PerMessageDeflateOptions = Object.freeze({
  serverMaxWindowBits: 10,
  clientMaxWindowBits: false,
});

// Frozen here and below: preloaded into flash, a frozen object needs no RAM alias (XS linker warnings).
const SIZES = Object.freeze(["maxMessageSize", "maxFragments", "highWaterMark"] as const);
const TIMEOUTS = Object.freeze(["closeTimeout", "connectTimeout"] as const);
const SETTINGS: readonly string[] = Object.freeze([
  ...SIZES,
  ...TIMEOUTS,
  "certificates",
  "perMessageDeflate",
  "debug",
  "tlsResumption",
]);
const WHERE = "manifest config.websocket";

/** mcconfig's command line (`name=value`) passes strings: a numeric one is taken as its number. */
function fromBuild(raw: unknown): unknown {
  return typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
}

/**
 * Checks the `config` object mcconfig generated, once, when the device entries load: a missing or
 * malformed entry is a build mistake, so it throws INVALID_ARGUMENT naming the key, the value and
 * what is accepted (the same ranges as the client options).
 */
export function readSettings(config: unknown): DeviceSettings {
  const section = (config as { websocket?: unknown } | null | undefined)?.websocket;
  if (typeof section !== "object" || section === null || Array.isArray(section)) {
    throw new WebSocketError(
      "INVALID_ARGUMENT",
      `${WHERE}: missing (include the client's manifest.json or manifest_namespaced.json)`,
    );
  }
  const values = section as Record<string, unknown>;
  knownOptions(WHERE, values, SETTINGS);
  const settings = {} as DeviceSettings;
  for (const name of SIZES)
    settings[name] = integerOption(`${WHERE}.${name}`, required(name, fromBuild(values[name])), 1, MAX_SIZE, 0);
  for (const name of TIMEOUTS)
    settings[name] = msOption(`${WHERE}.${name}`, required(name, fromBuild(values[name])), 1, 0);
  const certificates = values.certificates;
  if (typeof certificates !== "string" || certificates === "")
    throw optionError(`${WHERE}.certificates`, certificates, "a resource name");
  settings.certificates = certificates;
  settings.perMessageDeflate = readDeflate(values.perMessageDeflate);
  settings.debug = booleanOption(`${WHERE}.debug`, fromBuildBoolean(values.debug), false);
  settings.tlsResumption = booleanOption(`${WHERE}.tlsResumption`, fromBuildBoolean(values.tlsResumption), true);
  return Object.freeze(settings);
}

/** mcconfig's command line passes `debug=true` or `tlsResumption=false` as a string. */
function fromBuildBoolean(raw: unknown): unknown {
  return raw === "true" ? true : raw === "false" ? false : raw;
}

function required(name: string, value: unknown): unknown {
  if (value === undefined)
    throw new WebSocketError(
      "INVALID_ARGUMENT",
      `${WHERE}.${name} is missing (manifest_namespaced.json sets it; include it)`,
    );
  return value;
}

function readDeflate(value: unknown): false | PerMessageDeflateOptions {
  if (value === undefined || value === false || value === "false") return false;
  if (value === true || value === "true") return DEVICE_DEFLATE_OFFER;
  return Object.freeze({ ...validateDeflateOptions(value, `${WHERE}.perMessageDeflate`) });
}
