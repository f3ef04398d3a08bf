/**
 * Seed 004's `ws.upgrade(accept)` on a device: a handler for Moddable's HTTP
 * server (modules/device/moddable-http.ts), so one port serves the page and
 * its WebSocket. `accept(conn, req)` gets a FibjsServerSocket and the
 * upgrade request (method, path, version, lower-cased headers).
 *
 *   const ws = makeFibjsUpgrade(platform, defaults);   // attached as fibjs.upgrade
 *   const handler = ws((conn, req) => { conn.onmessage = (e) => conn.send(e.data); });
 *   http.callback = function (message, value, etc) {
 *     if (message === Server.status && value === "/ws") return handler(http, this, value, etc);
 *   };
 */
import type { ClientOptions } from "../client/client";
import { WebSocketError } from "../core/errors";
import { optionsObject } from "../core/options";
import type { UpgradeRequest } from "../core/server-handshake";
import type { Platform } from "../platform/platform";
import { upgrade as httpUpgrade, type HttpUpgradeOptions, type UpgradeHandler } from "./moddable-http";
import { FibjsServerSocket } from "../api/fibjs-server-socket";

export type FibjsAccept = (conn: FibjsServerSocket, request: UpgradeRequest) => void;
export type FibjsUpgrade = (accept: FibjsAccept, options?: HttpUpgradeOptions) => UpgradeHandler;

/** `ws.upgrade` bound to the device platform; message-size and close limits default to the entry's client settings. */
export function makeFibjsUpgrade(
  platform: Platform,
  defaults: Pick<ClientOptions, "maxMessageSize" | "maxFragments" | "closeTimeout"> = {},
): FibjsUpgrade {
  // Consts, not the parameters: a device makes this while modules preload, and the XS linker warns about a parameter a
  // function keeps ("no const").
  const boundPlatform = platform;
  const limits = Object.freeze(definedOnly(defaults));
  return (accept, options = {}) => {
    if (typeof accept !== "function")
      throw new WebSocketError("INVALID_ARGUMENT", "ws.upgrade(accept) needs an accept function");
    const merged: HttpUpgradeOptions = {
      platform: boundPlatform,
      ...limits,
      ...optionsObject("ws.upgrade() options", options),
    };
    return httpUpgrade(accept, merged, FibjsServerSocket);
  };
}

function definedOnly(
  defaults: Pick<ClientOptions, "maxMessageSize" | "maxFragments" | "closeTimeout">,
): HttpUpgradeOptions {
  const out: HttpUpgradeOptions = {};
  if (defaults.maxMessageSize !== undefined) out.maxMessageSize = defaults.maxMessageSize;
  if (defaults.maxFragments !== undefined) out.maxFragments = defaults.maxFragments;
  if (defaults.closeTimeout !== undefined) out.closeTimeout = defaults.closeTimeout;
  return out;
}
