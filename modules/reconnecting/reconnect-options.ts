import { integerOption, knownOptions, MAX_SIZE, msOption, optionError, optionsObject } from "../core/options";
import type { ClientOptions } from "../client/client";
import { CLIENT_OPTIONS } from "../client/client-options";

export interface ReconnectOptions extends ClientOptions {
  /** true or absent: reconnect with the defaults below; false: the first close is final. */
  reconnect?:
    | boolean
    | {
        /** ms, default 1000 (seed 001 reconnTime): the cap of the first retry's random delay. */
        baseDelay?: number;
        /** ms cap on any delay, default 30000. */
        maxDelay?: number;
        /** Reconnect attempts in a row before giving up, default Infinity. */
        maxAttempts?: number;
        /** ms a connection must stay open before the backoff resets, default 10000. */
        resetAfter?: number;
        /** Server close codes that also trigger a reconnect (1006 always does), default [1001, 1011, 1012, 1013]. */
        onCloseCodes?: number[];
      };
  /** ms between pings when nothing was received in that interval; 0/undefined = off. */
  keepAlive?: number;
  /** ms to wait for a pong or any data after a ping; default = keepAlive. */
  keepAliveTimeout?: number;
  /** send() while disconnected: throw SEND_FAILED at once, or queue up to maxBytes (default { maxBytes: 65536 }). */
  offline?: "reject" | { maxBytes: number };
}

export const RECONNECT_DEFAULTS = Object.freeze({
  baseDelay: 1000,
  maxDelay: 30000,
  maxAttempts: Infinity,
  resetAfter: 10000,
  onCloseCodes: Object.freeze([1001, 1011, 1012, 1013]) as readonly number[],
  offlineMaxBytes: 64 * 1024,
} as const);

export interface ReconnectSettings {
  baseDelay: number;
  maxDelay: number;
  maxAttempts: number;
  resetAfter: number;
  onCloseCodes: readonly number[];
}

export interface ResolvedReconnectOptions {
  reconnect: ReconnectSettings | null;
  keepAlive: number;
  keepAliveTimeout: number;
  /** null: reject sends while disconnected. */
  offlineMaxBytes: number | null;
  /** The options each attempt's Client gets (this layer's own taken out). */
  client: ClientOptions;
}

/** The default backoff, shared by every client that keeps it. */
const DEFAULT_RECONNECT: ReconnectSettings = Object.freeze({
  baseDelay: RECONNECT_DEFAULTS.baseDelay,
  maxDelay: RECONNECT_DEFAULTS.maxDelay,
  maxAttempts: RECONNECT_DEFAULTS.maxAttempts,
  resetAfter: RECONNECT_DEFAULTS.resetAfter,
  onCloseCodes: RECONNECT_DEFAULTS.onCloseCodes,
});

const RECONNECT_OPTIONS: readonly string[] = Object.freeze([
  "baseDelay",
  "maxDelay",
  "maxAttempts",
  "resetAfter",
  "onCloseCodes",
]);

/** Every option ReconnectingClient takes: Client's and its own. */
export const RECONNECTING_OPTIONS: readonly string[] = Object.freeze([
  ...CLIENT_OPTIONS,
  "reconnect",
  "keepAlive",
  "keepAliveTimeout",
  "offline",
]);

function reconnectSettings(value: unknown): ReconnectSettings | null {
  if (value === undefined || value === true) return DEFAULT_RECONNECT;
  if (value === false) return null;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw optionError("reconnect", value, "true, false or an object of options");
  const r = value as Record<string, unknown>;
  knownOptions("reconnect", r, RECONNECT_OPTIONS);
  const codes = r.onCloseCodes ?? RECONNECT_DEFAULTS.onCloseCodes;
  if (!Array.isArray(codes))
    throw optionError("reconnect.onCloseCodes", codes, "an array of close codes from 1000 to 4999");
  for (let i = 0; i < codes.length; i++) integerOption(`reconnect.onCloseCodes[${i}]`, codes[i], 1000, 4999, 0);
  return {
    baseDelay: msOption("reconnect.baseDelay", r.baseDelay, 0, RECONNECT_DEFAULTS.baseDelay),
    maxDelay: msOption("reconnect.maxDelay", r.maxDelay, 0, RECONNECT_DEFAULTS.maxDelay),
    maxAttempts: integerOption("reconnect.maxAttempts", r.maxAttempts, 0, Infinity, RECONNECT_DEFAULTS.maxAttempts),
    resetAfter: msOption("reconnect.resetAfter", r.resetAfter, 0, RECONNECT_DEFAULTS.resetAfter),
    onCloseCodes: (codes as number[]).slice(),
  };
}

function offlineMaxBytes(offline: unknown): number | null {
  if (offline === "reject") return null;
  if (offline === undefined) return RECONNECT_DEFAULTS.offlineMaxBytes;
  if (typeof offline !== "object" || offline === null || Array.isArray(offline))
    throw optionError("offline", offline, '"reject" or { maxBytes }');
  knownOptions("offline", offline, ["maxBytes"]);
  return integerOption(
    "offline.maxBytes",
    (offline as { maxBytes?: unknown }).maxBytes,
    0,
    MAX_SIZE,
    RECONNECT_DEFAULTS.offlineMaxBytes,
  );
}

/**
 * Check the options this layer adds and the names of all (Client checks the values of its own when
 * the first attempt is made, before it connects). `client` is what each attempt's Client gets: the options
 * without this layer's, so Client's check of names holds for them as for any other caller.
 */
export function resolveReconnectOptions(options: ReconnectOptions): ResolvedReconnectOptions {
  const all = optionsObject("ReconnectingClient options", options);
  knownOptions("ReconnectingClient options", all, RECONNECTING_OPTIONS);
  const {
    reconnect: _reconnect,
    keepAlive: _keepAlive,
    keepAliveTimeout: _keepAliveTimeout,
    offline: _offline,
    ...client
  } = all;
  const keepAlive = msOption("keepAlive", all.keepAlive, 0, 0);
  const keepAliveTimeout = msOption("keepAliveTimeout", all.keepAliveTimeout, 1, keepAlive);
  return {
    reconnect: reconnectSettings(all.reconnect),
    keepAlive,
    keepAliveTimeout,
    offlineMaxBytes: offlineMaxBytes(all.offline),
    client,
  };
}
