/**
 * The TLS layer's options, checked and frozen once per factory (modules/transport/tls.ts makes the factory).
 */
import { booleanOption, integerOption, knownOptions, optionError, optionsObject } from "../core/options";
import type { Platform } from "../platform/platform";
import { DEFAULT_HIGH_WATER_MARK } from "./byte-pipe";
import type { MbedtlsNative } from "./mbedtls-native";
import type { TransportFactory } from "./transport";

export interface TlsTransportOptions {
  /** The native core's binding (`wsx-tls` on a device, node/mbedtls.ts on Node). */
  native: MbedtlsNative;
  platform: Platform;
  /** Makes the byte transport TLS runs over (plain TCP to the same host and port). */
  inner: TransportFactory;
  /**
   * Fail with CONNECT_TIMEOUT if TCP + TLS are not up after this many ms. 0 (default): no limit of its own (the
   * Client's connectTimeout applies).
   */
  handshakeTimeout?: number;
  /** After end(), how long to wait for the peer to close before closing anyway, in ms. Default 2000. */
  endTimeout?: number;
  /**
   * write() returns false once this many bytes wait to be sent (here and in the inner transport). Default 16384
   * (byte-pipe.ts says why).
   */
  highWaterMark?: number;
  /**
   * Ask the server for smaller TLS records (RFC 6066): 0, 512, 1024, 2048 or 4096; asking caps the connection at TLS
   * 1.2. Default: the core's WSX_TLS_MAX_FRAGMENT_LENGTH (0: do not ask).
   */
  maxFragmentLength?: number;
  /**
   * Resume the last session with the same host on the next connection (TLS 1.2 tickets and session IDs, TLS 1.3
   * tickets). Default true.
   */
  resumption?: boolean;
  /** Hosts whose parsed settings and session are kept in RAM, least recently used out first. Default 4. */
  hosts?: number;
}

const OPTION_NAMES = Object.freeze([
  "native",
  "platform",
  "inner",
  "handshakeTimeout",
  "endTimeout",
  "highWaterMark",
  "maxFragmentLength",
  "resumption",
  "hosts",
]);

const FRAGMENT_LENGTHS = Object.freeze([0, 512, 1024, 2048, 4096]);

/**
 * The options checked and frozen once per factory and shared by its
 * transports (one reference per connection: the XS heap rule, ARCHITECTURE.md). Frozen:
 * a device makes them while modules preload. The host cache is made by the
 * first connection, at run time (hostsOf() in tls-hosts.ts).
 */
export class TlsSettings {
  readonly native: MbedtlsNative;
  readonly platform: Platform;
  readonly inner: TransportFactory;
  readonly handshakeTimeout: number;
  readonly endTimeout: number;
  readonly highWaterMark: number;
  readonly resumption: boolean;
  /** Hosts kept (1-64). */
  readonly hostLimit: number;
  /** undefined: the core's compiled default. */
  readonly maxFragmentLength: number | undefined;

  constructor(given: TlsTransportOptions) {
    const options = optionsObject("TLS transport options", given);
    knownOptions("TLS transport options", options, OPTION_NAMES);
    const native = options.native as MbedtlsNative | undefined;
    if (typeof native !== "object" || native === null || typeof native.host !== "function") {
      throw optionError("TLS transport option native", native, "the wsx-tls binding (an object with host())");
    }
    const platform = options.platform as Platform | undefined;
    if (typeof platform !== "object" || platform === null || typeof platform.setTimer !== "function") {
      throw optionError("TLS transport option platform", platform, "a Platform");
    }
    const inner = options.inner;
    if (typeof inner !== "function")
      throw optionError("TLS transport option inner", inner, "a function that makes the byte transport");
    this.native = native;
    this.platform = platform;
    this.inner = inner as TransportFactory;
    this.handshakeTimeout = integerOption(
      "TLS transport option handshakeTimeout",
      options.handshakeTimeout,
      0,
      2147483647,
      0,
    );
    this.endTimeout = integerOption("TLS transport option endTimeout", options.endTimeout, 0, 2147483647, 2000);
    this.highWaterMark = integerOption(
      "TLS transport option highWaterMark",
      options.highWaterMark,
      1,
      Infinity,
      DEFAULT_HIGH_WATER_MARK,
    );
    // Absent: the core's compiled default (WSX_TLS_MAX_FRAGMENT_LENGTH, a manifest define on a device).
    const fragment =
      options.maxFragmentLength === undefined
        ? undefined
        : integerOption("TLS transport option maxFragmentLength", options.maxFragmentLength, 0, 4096, 0);
    if (fragment !== undefined && FRAGMENT_LENGTHS.indexOf(fragment) < 0) {
      throw optionError("TLS transport option maxFragmentLength", fragment, "0, 512, 1024, 2048 or 4096");
    }
    this.maxFragmentLength = fragment;
    this.resumption = booleanOption("TLS transport option resumption", options.resumption, true);
    this.hostLimit = integerOption("TLS transport option hosts", options.hosts, 1, 64, 4);
    Object.freeze(this);
  }
}
