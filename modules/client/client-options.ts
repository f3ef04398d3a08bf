/**
 * The client's options, checked once where they enter: a wrong type, NaN, a
 * negative or fractional count, or a value past its range throws
 * INVALID_ARGUMENT naming the option, the value and what is accepted, before
 * anything connects. Facades check their own names, then pass on to this.
 */
import { validateDeflateOptions, type PerMessageDeflateOptions } from "../core/extensions/permessage-deflate";
import {
  booleanOption,
  integerOption,
  knownOptions,
  MAX_SIZE,
  msOption,
  optionError,
  optionsObject,
} from "../core/options";
import type { TlsConfig, TlsProvider } from "../transport/transport";
import { checkTlsConfig } from "./tls-options";

export interface ClientOptions {
  /** Offered subprotocols. */
  protocols?: string | string[];
  /**
   * With `protocols` offered, fail the handshake (HANDSHAKE_FAILED, status 101) when the server
   * selects none, as browsers and `ws` do. Default false: RFC 6455 lets a server select none
   * (`protocol` is then ""). The browser WebSocket and the seed facades set it.
   */
  requireProtocol?: boolean;
  /** Extra handshake headers: an object, or "Name: value" strings. */
  headers?: Record<string, string> | string[];
  /** Largest message accepted, in bytes, 1 to 2^31-1 (default 16 MiB); larger closes with 1009. */
  maxMessageSize?: number;
  /** Most fragments one message may have, 1 to 2^31-1 (default 262144, maxMessageSize / 64); more closes with 1009. */
  maxFragments?: number;
  /** Deliver message parts as they arrive (onFragment) instead of whole messages. */
  fragments?: boolean;
  /** Whole ms, 1 to 2^31-1, to wait for the peer's close frame and TCP close after ours (default 5000). */
  closeTimeout?: number;
  /** Whole ms, 1 to 2^31-1, for TCP, TLS and the opening handshake together (default 10000). */
  connectTimeout?: number;
  /** TLS settings for wss. */
  tls?: TlsConfig;
  /** Per-host TLS settings (the certificate bundle); used when `tls` is absent. */
  certificates?: TlsProvider;
  /**
   * Offer permessage-deflate (RFC 7692); off unless given; true offers the
   * defaults (as `ws` takes it). Needs a platform with a compression
   * provider. Inflated sizes count against maxMessageSize.
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
}

export const DEFAULTS = Object.freeze({
  maxMessageSize: 16 * 1024 * 1024,
  maxFragments: 262144,
  closeTimeout: 5000,
  connectTimeout: 10000,
} as const);

/** Every option of ClientOptions. */
export const CLIENT_OPTIONS: readonly string[] = Object.freeze([
  "protocols",
  "requireProtocol",
  "headers",
  "maxMessageSize",
  "maxFragments",
  "fragments",
  "closeTimeout",
  "connectTimeout",
  "tls",
  "certificates",
  "perMessageDeflate",
]);

/** What a Client takes from its options once they are checked (made per Client, kept by nothing). */
export interface CheckedClientOptions {
  protocols: ClientOptions["protocols"];
  requireProtocol: boolean;
  headers: ClientOptions["headers"];
  maxMessageSize: number;
  maxFragments: number;
  fragments: boolean;
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
export function checkClientOptions(
  options: unknown,
  name = "Client options",
  known: readonly string[] = CLIENT_OPTIONS,
): CheckedClientOptions {
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
  if (
    certificates !== undefined &&
    (typeof certificates !== "object" ||
      certificates === null ||
      typeof (certificates as TlsProvider).tlsFor !== "function")
  ) {
    throw optionError(
      "certificates",
      certificates,
      "a TLS provider (an object with tlsFor(host), such as a BundleTlsProvider)",
    );
  }
  const deflate = o.perMessageDeflate;
  return {
    protocols: protocols as ClientOptions["protocols"],
    requireProtocol: booleanOption("requireProtocol", o.requireProtocol, false),
    headers: headers as ClientOptions["headers"],
    maxMessageSize: integerOption("maxMessageSize", o.maxMessageSize, 1, MAX_SIZE, DEFAULTS.maxMessageSize),
    maxFragments: integerOption("maxFragments", o.maxFragments, 1, MAX_SIZE, DEFAULTS.maxFragments),
    fragments: booleanOption("fragments", o.fragments, false),
    closeTimeout: msOption("closeTimeout", o.closeTimeout, 1, DEFAULTS.closeTimeout),
    connectTimeout: msOption("connectTimeout", o.connectTimeout, 1, DEFAULTS.connectTimeout),
    tls: o.tls as TlsConfig | undefined,
    certificates: certificates as TlsProvider | undefined,
    perMessageDeflate: deflate === undefined || deflate === false ? undefined : validateDeflateOptions(deflate),
  };
}
