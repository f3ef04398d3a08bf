/**
 * The client's options, checked once where they enter: a wrong type, NaN, a
 * negative or fractional count, or a value past its range throws
 * INVALID_ARGUMENT naming the option, the value and what is accepted, before
 * anything connects. Facades check their own names, then pass on to this.
 */
import { validateDeflateOptions, type PerMessageDeflateOptions } from "../core/extensions/permessage-deflate";
import { booleanOption, integerOption, knownOptions, MAX_SIZE, msOption, optionError, optionsObject } from "../core/options";
import type { TlsConfig, TlsProvider } from "../transport/transport";
import type { ClientOptions } from "./client";
import { checkTlsConfig } from "./tls-options";

export const DEFAULTS = Object.freeze({
  maxMessageSize: 16 * 1024 * 1024,
  maxFragments: 262144,
  closeTimeout: 5000,
  connectTimeout: 10000,
} as const);

/** Every option of ClientOptions. */
export const CLIENT_OPTIONS: readonly string[] = Object.freeze([
  "protocols", "requireProtocol", "headers", "maxMessageSize", "maxFragments", "fragments", "closeTimeout", "connectTimeout", "tls", "certificates", "perMessageDeflate",
]);

/** What a Client takes from its options once they are checked (made per Client, kept by nothing). */
export interface CheckedClientOptions {
  protocols: ClientOptions["protocols"];
  requireProtocol: boolean;
  headers: ClientOptions["headers"];
  maxMessageSize: number;
  maxFragments: number;
  streaming: boolean;
  closeTimeout: number;
  connectTimeout: number;
  tls: TlsConfig | undefined;
  certificates: TlsProvider | undefined;
  perMessageDeflate: PerMessageDeflateOptions | undefined;
}

/**
 * Checks a client options object: its names against `known` (a facade passes its own list), every
 * Client option's type and range. The header and subprotocol values themselves are the handshake's
 * to check (INVALID_HEADER, INVALID_PROTOCOL).
 */
export function checkClientOptions(options: unknown, name = "Client options", known: readonly string[] = CLIENT_OPTIONS): CheckedClientOptions {
  const o = optionsObject(name, options);
  knownOptions(name, o, known);
  const protocols = o.protocols;
  if (protocols !== undefined && protocols !== null && typeof protocols !== "string" && !Array.isArray(protocols)) {
    throw optionError("protocols", protocols, "a string or an array of strings");
  }
  const headers = o.headers;
  if (headers !== undefined && headers !== null && typeof headers !== "object") {
    throw optionError("headers", headers, 'an object or an array of "Name: value" strings');
  }
  if (o.tls !== undefined) checkTlsConfig("tls", o.tls);
  const certificates = o.certificates;
  if (certificates !== undefined && (typeof certificates !== "object" || certificates === null || typeof (certificates as TlsProvider).tlsFor !== "function")) {
    throw optionError("certificates", certificates, "a TLS provider (an object with tlsFor(host), such as a BundleTlsProvider)");
  }
  const deflate = o.perMessageDeflate;
  return {
    protocols: protocols as ClientOptions["protocols"],
    requireProtocol: booleanOption("requireProtocol", o.requireProtocol, false),
    headers: headers as ClientOptions["headers"],
    maxMessageSize: integerOption("maxMessageSize", o.maxMessageSize, 1, MAX_SIZE, DEFAULTS.maxMessageSize),
    maxFragments: integerOption("maxFragments", o.maxFragments, 1, MAX_SIZE, DEFAULTS.maxFragments),
    streaming: booleanOption("fragments", o.fragments, false),
    closeTimeout: msOption("closeTimeout", o.closeTimeout, 1, DEFAULTS.closeTimeout),
    connectTimeout: msOption("connectTimeout", o.connectTimeout, 1, DEFAULTS.connectTimeout),
    tls: o.tls as TlsConfig | undefined,
    certificates: certificates as TlsProvider | undefined,
    perMessageDeflate: deflate === undefined || deflate === false ? undefined : validateDeflateOptions(deflate),
  };
}
