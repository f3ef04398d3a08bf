/**
 * The certificate bundle as a TlsProvider: for each host, the CA to verify
 * against, the chain, and the client certificate and key for mutual TLS,
 * all taken from the one domain the host resolves to.
 */
import { WebSocketError } from "../core/errors";
import { booleanOption, knownOptions, optionError, optionsObject } from "../core/options";
import type { CertData, TlsConfig, TlsProvider } from "../transport/transport";
import { CertificateBundle, type BundlePayload, type BundleSource } from "./bundle";
import { candidateDomains } from "./names";
import { isEncryptedKey } from "./payload-check";

export interface BundleTlsOptions {
  /** Password of encrypted `<domain>_key` entries (the bundle never stores passwords). */
  passphrase?: string | ((domain: string) => string | undefined);
  /** Seed 001's `insist`: tolerate ONLY a host-name mismatch. Unsafe; default false. */
  insist?: boolean;
  /** Set false to connect without verifying the server at all. Unsafe; default true. */
  verify?: boolean;
}

export class BundleTlsProvider implements TlsProvider {
  readonly bundle: CertificateBundle;
  private readonly options: BundleTlsOptions;

  constructor(bundle: CertificateBundle | BundleSource, options: BundleTlsOptions = {}) {
    checkBundleTlsOptions(options);
    this.bundle = bundle instanceof CertificateBundle ? bundle : CertificateBundle.open(bundle);
    this.options = options;
  }

  /**
   * TLS settings for `host`. Throws CERT_BUNDLE when no domain matches (and
   * verification is on) or when an entry the host needs is damaged: a
   * connection must never go ahead without the certificate it was meant to use.
   */
  tlsFor(host: string): TlsConfig {
    const found = this.bundle.lookup(host);
    const verify = this.options.verify !== false;
    if (!found) {
      if (!verify) return { verify: false };
      throw new WebSocketError(
        "CERT_BUNDLE",
        `certificate bundle has no entry for host "${host}" (tried ${candidateDomains(host).join(", ")})`,
      );
    }
    if (found.key && !found.cert)
      throw new WebSocketError(
        "CERT_BUNDLE",
        `certificate bundle has "${found.domain}_key" without "${found.domain}_cert"`,
      );
    if (found.cert && !found.key)
      throw new WebSocketError(
        "CERT_BUNDLE",
        `certificate bundle has "${found.domain}_cert" without "${found.domain}_key"`,
      );
    const config: TlsConfig = {};
    if (found.ca) config.ca = [data(found.ca)];
    if (found.chain) config.chain = [data(found.chain)];
    if (found.cert) config.cert = data(found.cert);
    if (found.key) {
      config.key = data(found.key);
      const p = this.options.passphrase;
      const passphrase = typeof p === "function" ? p(found.domain) : p;
      if (passphrase !== undefined) config.passphrase = passphrase;
      else if (isEncryptedKey(found.key.bytes, found.key.format)) {
        throw new WebSocketError(
          "CERT_BUNDLE",
          `certificate bundle: "${found.domain}_key" is encrypted and no passphrase was given for "${found.domain}"`,
        );
      }
    }
    if (!verify) config.verify = false;
    if (this.options.insist === true) config.insist = true;
    return config;
  }
}

/** Payloads go out as the bundle's own bytes (PEM text or DER), without copying. */
function data(p: BundlePayload): CertData {
  return p.bytes;
}

const BUNDLE_TLS_OPTIONS: readonly string[] = Object.freeze(["passphrase", "insist", "verify"]);

function checkBundleTlsOptions(options: unknown): void {
  const o = optionsObject("BundleTlsProvider options", options);
  knownOptions("BundleTlsProvider options", o, BUNDLE_TLS_OPTIONS);
  if (o.passphrase !== undefined && typeof o.passphrase !== "string" && typeof o.passphrase !== "function") {
    throw optionError("passphrase", o.passphrase, "a string or a function (domain) => string");
  }
  booleanOption("insist", o.insist, false);
  booleanOption("verify", o.verify, true);
}
