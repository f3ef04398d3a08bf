/**
 * Server options, checked once where a server or an upgrade handler is made
 * (never per connection): a wrong type, NaN, a negative or fractional count or
 * a value past its range throws INVALID_ARGUMENT naming the option, the value
 * and what is accepted, before anything listens or is accepted.
 */
import { validateDeflateOptions } from "../core/extensions/permessage-deflate";
import {
  functionOption,
  integerOption,
  knownOptions,
  MAX_SIZE,
  msOption,
  optionError,
  optionsObject,
  stringOption,
} from "../core/options";

/** What every server entry takes (PeerOptions). */
export const PEER_OPTIONS: readonly string[] = Object.freeze([
  "maxMessageSize",
  "maxFragments",
  "handshakeTimeout",
  "closeTimeout",
  "idleTimeout",
  "policy",
]);

/** Node's upgrade() and createServer(). */
export const NODE_SERVER_OPTIONS: readonly string[] = Object.freeze([...PEER_OPTIONS, "maxConnections"]);

/** The Moddable HTTP hand-off (and seed 004's device ws.upgrade). */
export const HTTP_UPGRADE_OPTIONS: readonly string[] = Object.freeze([
  ...PEER_OPTIONS,
  "maxConnections",
  "highWaterMark",
  "platform",
]);

/** The ECMA-419 listener. */
export const LISTEN_OPTIONS: readonly string[] = Object.freeze([...HTTP_UPGRADE_OPTIONS, "port", "address", "io"]);

const POLICY: readonly string[] = Object.freeze([
  "selectProtocol",
  "checkOrigin",
  "responseHeaders",
  "perMessageDeflate",
]);

function objectOption(name: string, value: unknown, accepted: string): void {
  if (value !== undefined && (typeof value !== "object" || value === null)) throw optionError(name, value, accepted);
}

/**
 * Checks a server entry's options against its names (`known`) and every value any entry takes.
 * `what` names the entry in an unknown-name error, e.g. "upgrade() options".
 */
export function checkServerOptions(what: string, options: unknown, known: readonly string[]): void {
  const o = optionsObject(what, options);
  knownOptions(what, o, known);
  integerOption("maxMessageSize", o.maxMessageSize, 1, MAX_SIZE, 0);
  integerOption("maxFragments", o.maxFragments, 1, MAX_SIZE, 0);
  msOption("handshakeTimeout", o.handshakeTimeout, 1, 0);
  msOption("closeTimeout", o.closeTimeout, 1, 0);
  msOption("idleTimeout", o.idleTimeout, 0, 0);
  integerOption("maxConnections", o.maxConnections, 1, MAX_SIZE, 0);
  integerOption("highWaterMark", o.highWaterMark, 1, MAX_SIZE, 0);
  integerOption("port", o.port, 0, 65535, 0);
  stringOption("address", o.address);
  objectOption("platform", o.platform, "a Platform (timers and randomness)");
  objectOption("io", o.io, "an object ({ Listener, TCP })");
  if (o.policy !== undefined) {
    const policy = optionsObject("policy", o.policy);
    // A plain object's names are checked (a misspelt checkOrigin would check nothing); an instance of
    // the app's own class may carry its own state beside the callbacks.
    const proto = Object.getPrototypeOf(policy);
    if (proto === Object.prototype || proto === null) knownOptions("policy", policy, POLICY);
    functionOption("policy.selectProtocol", policy.selectProtocol);
    functionOption("policy.checkOrigin", policy.checkOrigin);
    functionOption("policy.responseHeaders", policy.responseHeaders);
    const deflate = policy.perMessageDeflate;
    if (deflate !== undefined && deflate !== false)
      validateDeflateOptions(deflate, "policy.perMessageDeflate", "server");
  }
}
