import { WebSocketError } from "../core/errors";
import type { ClientOptions } from "./client";

export interface ReconnectOptions extends ClientOptions {
  reconnect?: false | {
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
}

function nonNegative(name: string, value: number | undefined, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new WebSocketError("INVALID_ARGUMENT", `${name} must be a ${allowInfinity ? "" : "finite "}number >= 0, got ${String(value)}`);
  }
  return value;
}

/** The default backoff, shared by every client that keeps it. */
const DEFAULT_RECONNECT: ReconnectSettings = Object.freeze({
  baseDelay: RECONNECT_DEFAULTS.baseDelay,
  maxDelay: RECONNECT_DEFAULTS.maxDelay,
  maxAttempts: RECONNECT_DEFAULTS.maxAttempts,
  resetAfter: RECONNECT_DEFAULTS.resetAfter,
  onCloseCodes: RECONNECT_DEFAULTS.onCloseCodes,
});

/** Check the options this layer adds; Client checks its own. */
export function resolveReconnectOptions(options: ReconnectOptions): ResolvedReconnectOptions {
  let reconnect: ReconnectSettings | null = null;
  if (options.reconnect === undefined) {
    reconnect = DEFAULT_RECONNECT;
  } else if (options.reconnect !== false) {
    const r = options.reconnect ?? {};
    if (typeof r !== "object" || r === null) {
      throw new WebSocketError("INVALID_ARGUMENT", `reconnect must be false or an object, got ${String(r)}`);
    }
    const maxAttempts = nonNegative("reconnect.maxAttempts", r.maxAttempts, RECONNECT_DEFAULTS.maxAttempts, true);
    if (Number.isFinite(maxAttempts) && !Number.isInteger(maxAttempts)) {
      throw new WebSocketError("INVALID_ARGUMENT", `reconnect.maxAttempts must be a whole number or Infinity, got ${maxAttempts}`);
    }
    const codes = r.onCloseCodes ?? RECONNECT_DEFAULTS.onCloseCodes;
    if (!Array.isArray(codes) || codes.some((code) => !Number.isInteger(code) || code < 1000 || code > 4999)) {
      throw new WebSocketError("INVALID_ARGUMENT", `reconnect.onCloseCodes must be an array of close codes (1000-4999), got ${String(codes)}`);
    }
    reconnect = {
      baseDelay: nonNegative("reconnect.baseDelay", r.baseDelay, RECONNECT_DEFAULTS.baseDelay),
      maxDelay: nonNegative("reconnect.maxDelay", r.maxDelay, RECONNECT_DEFAULTS.maxDelay),
      maxAttempts,
      resetAfter: nonNegative("reconnect.resetAfter", r.resetAfter, RECONNECT_DEFAULTS.resetAfter),
      onCloseCodes: codes.slice(),
    };
  }
  const keepAlive = nonNegative("keepAlive", options.keepAlive, 0);
  const keepAliveTimeout = nonNegative("keepAliveTimeout", options.keepAliveTimeout, keepAlive);
  if (keepAlive > 0 && keepAliveTimeout === 0) {
    throw new WebSocketError("INVALID_ARGUMENT", "keepAliveTimeout must be > 0 when keepAlive is on");
  }
  let offlineMaxBytes: number | null = RECONNECT_DEFAULTS.offlineMaxBytes;
  const offline = options.offline;
  if (offline === "reject") offlineMaxBytes = null;
  else if (offline !== undefined) {
    if (typeof offline !== "object" || offline === null) {
      throw new WebSocketError("INVALID_ARGUMENT", `offline must be "reject" or { maxBytes }, got ${String(offline)}`);
    }
    offlineMaxBytes = nonNegative("offline.maxBytes", offline.maxBytes, RECONNECT_DEFAULTS.offlineMaxBytes);
  }
  return { reconnect, keepAlive, keepAliveTimeout, offlineMaxBytes };
}
