/**
 * ConnectTarget (+ its TlsConfig) -> Node `tls.connect` options.
 *
 * Rules (docs/certs.md):
 * - No TlsConfig at all: Node's defaults, i.e. verification against Node's
 *   built-in CA store (what a plain `wss://` URL gets on the host).
 * - A TlsConfig (explicit, from the bundle, or from a seed-001 table):
 *   verification is on; its `ca` REPLACES the system store; with no CA the
 *   connection is refused here unless `verify: false` says otherwise.
 * - `insist`: chain, expiry and signatures are still verified; only a
 *   host-name mismatch is tolerated. Unsafe.
 * Certificates and keys may be PEM text or PEM/DER bytes; Node wants PEM, so
 * DER is converted here.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { checkServerIdentity, createSecureContext, type ConnectionOptions, type PeerCertificate } from "node:tls";
import { WebSocketError } from "../modules/core/errors";
import { isIpLiteral } from "../modules/core/ip-address";
import { sniffFormat, splitDer } from "../modules/certs/payload-check";
import type { CertData, ConnectTarget, TlsConfig } from "../modules/transport/transport";
import { tlsErrorFromNode } from "./tls-errors";

/** Throws a WebSocketError (TLS_ERROR / INVALID_ARGUMENT) when the settings cannot make a safe connection. */
export function nodeTlsOptions(target: ConnectTarget): ConnectionOptions {
  const tls = target.tls;
  const servername = tls?.servername ?? target.host;
  const options: ConnectionOptions = {
    host: target.host,
    port: target.port,
    // SNI must be a name, never an address (RFC 6066 section 3). With tls.servername
    // set, a connection to an address is checked against that name instead.
    servername: isIpLiteral(servername) ? undefined : servername,
    rejectUnauthorized: true,
  };
  if (tls === undefined) return options;

  const verify = tls.verify !== false;
  const ca = (tls.ca ?? []).flatMap((c) => certificatesPem(c, "tls.ca"));
  if (verify && ca.length === 0) {
    throw new WebSocketError("TLS_ERROR",
      `TLS: no CA certificate to verify "${servername}" against: give tls.ca (or a <domain>_ca bundle entry), ` +
      "or set verify: false to connect without verification (unsafe)");
  }
  if (ca.length > 0) options.ca = ca;
  if (!verify) {
    options.rejectUnauthorized = false;
    options.checkServerIdentity = () => undefined;
  } else if (tls.insist === true) {
    options.checkServerIdentity = toleratingHostMismatch;
  }
  addClientCertificate(options, tls);
  // Build the context here, so a bad certificate, key or password is a
  // TLS_ERROR naming the problem instead of a raw OpenSSL exception from tls.connect.
  try {
    options.secureContext = createSecureContext({ ca: options.ca, cert: options.cert, key: options.key, passphrase: options.passphrase });
  } catch (e) {
    const mapped = tlsErrorFromNode(e);
    if (mapped && tls.passphrase === undefined && /decrypt the client key/.test(mapped.message)) {
      throw new WebSocketError("TLS_ERROR", "TLS: the client key is encrypted and no password was given (tls.passphrase)", { cause: e });
    }
    throw mapped ?? new WebSocketError("TLS_ERROR", `TLS: cannot use the certificates given: ${(e as Error).message}`, { cause: e });
  }
  return options;
}

/** Like Node's check, except that a certificate for another host name is accepted (seed 001's `insist`). */
function toleratingHostMismatch(host: string, cert: PeerCertificate): Error | undefined {
  const error = checkServerIdentity(host, cert);
  if (error && (error as NodeJS.ErrnoException).code === "ERR_TLS_CERT_ALTNAME_INVALID") return undefined;
  return error;
}

function addClientCertificate(options: ConnectionOptions, tls: TlsConfig): void {
  if (tls.cert === undefined && tls.key === undefined) {
    if (tls.chain !== undefined && tls.chain.length > 0) {
      throw new WebSocketError("INVALID_ARGUMENT", "tls.chain is given without tls.cert (the chain completes the client certificate)");
    }
    return;
  }
  if (tls.cert === undefined) throw new WebSocketError("INVALID_ARGUMENT", "tls.key is given without tls.cert");
  if (tls.key === undefined) throw new WebSocketError("INVALID_ARGUMENT", "tls.cert is given without tls.key");
  // Node sends the certificate followed by its intermediates from one PEM string.
  const chain = (tls.chain ?? []).flatMap((c) => certificatesPem(c, "tls.chain"));
  options.cert = [...certificatesPem(tls.cert, "tls.cert"), ...chain].join("");
  const key = keyPem(tls.key, tls.passphrase);
  options.key = key.pem;
  if (key.passphrase !== undefined) options.passphrase = key.passphrase;
}

/**
 * PEM text of each certificate in `data` (PEM text, PEM bytes, or one or more
 * DER certificates), each checked to parse: Node silently skips a CA it cannot
 * read, which would turn a broken CA into a puzzling "unknown CA".
 */
function certificatesPem(data: CertData, what: string): string[] {
  let blocks: string[];
  if (typeof data === "string") {
    blocks = pemBlocks(data);
  } else if (data instanceof Uint8Array) {
    if (sniffFormat(data) === "pem") {
      blocks = pemBlocks(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1"));
    } else {
      const parts = splitDer(data);
      if (typeof parts === "string") throw new WebSocketError("TLS_ERROR", `TLS: ${what} ${parts}`);
      blocks = parts.map((p) => pem("CERTIFICATE", p));
    }
  } else {
    throw new WebSocketError("INVALID_ARGUMENT", `${what} must be PEM text or bytes`);
  }
  if (blocks.length === 0) throw new WebSocketError("TLS_ERROR", `TLS: ${what} holds no PEM certificate`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (e) {
      const which = blocks.length > 1 ? `${what} (certificate ${i + 1} of ${blocks.length})` : what;
      throw new WebSocketError("TLS_ERROR", `TLS: ${which} does not parse as a certificate (${(e as Error).message})`, { cause: e });
    }
  });
  return blocks;
}

function pemBlocks(text: string): string[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((b) => b + "\n");
}

/** Node wants PEM keys: DER (PKCS#8, PKCS#1 or SEC1, maybe encrypted PKCS#8) is decoded and re-encoded in memory. */
function keyPem(data: CertData, passphrase: string | undefined): { pem: string; passphrase?: string } {
  if (typeof data === "string") return { pem: data, passphrase };
  if (!(data instanceof Uint8Array)) throw new WebSocketError("INVALID_ARGUMENT", "tls.key must be PEM text or bytes");
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (sniffFormat(data) === "pem") return { pem: bytes.toString("latin1"), passphrase };
  let last: unknown;
  for (const type of ["pkcs8", "pkcs1", "sec1"] as const) {
    try {
      const key = createPrivateKey({ key: bytes, format: "der", type, passphrase });
      return { pem: key.export({ format: "pem", type: "pkcs8" }) as string };
    } catch (e) {
      last = e;
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  const wrongPassword = /bad decrypt|passphrase/i.test(reason);
  throw new WebSocketError("TLS_ERROR",
    wrongPassword ? `cannot decrypt the client key: wrong or missing password (${reason})` : `the client key does not parse (${reason})`,
    { cause: last });
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
