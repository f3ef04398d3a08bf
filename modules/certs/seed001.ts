/**
 * Seed 001's `cert` table -> TlsConfig.
 *
 *   { caCert, clientCert, clientKey, clientPassword, insist }
 *
 * Each of caCert / clientCert / clientKey either carries the data (PEM text,
 * or bytes: PEM or DER) or names it. A string that contains "-----BEGIN " is
 * PEM text; any other string is a name, looked up in the bundle given as
 * `source` (an entry name such as "localhost_ca") or passed to a resolver
 * function (on a device it might map names to Moddable Resources).
 *
 * Deliberate differences from the seed, which are safer:
 * - `insist` is off unless the table says `insist = 1` (or true). The seed
 *   defaults it to 1, which silently accepts a certificate for another host.
 * - With no caCert the seed skips verification; here the connection fails
 *   unless the table also says `verify = false` (our addition).
 */
import { WebSocketError } from "../core/errors";
import type { CertData, TlsConfig } from "../transport/transport";
import { CertificateBundle } from "./bundle";

export type Seed001Data = string | Uint8Array | ArrayBuffer;

export interface Seed001CertTable {
  caCert?: Seed001Data;
  clientCert?: Seed001Data;
  clientKey?: Seed001Data;
  clientPassword?: string | number;
  /** 1/true: keep connecting when ONLY the host-name check fails. Unsafe. Default here: off. */
  insist?: number | boolean;
  /** Our addition: false connects without verifying the server at all. Unsafe. Default true. */
  verify?: boolean;
}

export type Seed001Field = "caCert" | "clientCert" | "clientKey";
/** Turns a name from the table into its data, or undefined when there is no such thing. */
export type CertResolver = (name: string, field: Seed001Field) => CertData | undefined;

const KNOWN = Object.freeze(["caCert", "clientCert", "clientKey", "clientPassword", "insist", "verify"]);

export function tlsFromSeed001(table: Seed001CertTable, source?: CertificateBundle | CertResolver): TlsConfig {
  if (table === null || typeof table !== "object") bad("the cert table must be an object");
  for (const key of Object.keys(table)) {
    if (KNOWN.indexOf(key) < 0) bad(`unknown field "${key}" in the cert table (known: ${KNOWN.join(", ")})`);
  }
  const config: TlsConfig = {};
  const ca = field(table, "caCert", source);
  const cert = field(table, "clientCert", source);
  const key = field(table, "clientKey", source);
  if (cert !== undefined && key === undefined) bad("clientCert is given without clientKey");
  if (key !== undefined && cert === undefined) bad("clientKey is given without clientCert");
  if (ca !== undefined) config.ca = [ca];
  if (cert !== undefined) config.cert = cert;
  if (key !== undefined) config.key = key;

  const password = table.clientPassword;
  if (password !== undefined) {
    if (typeof password === "number" && Number.isFinite(password)) config.passphrase = String(password);
    else if (typeof password === "string") config.passphrase = password;
    else bad("clientPassword must be a string or a number");
  }

  const insist = table.insist;
  if (insist !== undefined && insist !== 0 && insist !== 1 && insist !== true && insist !== false)
    bad("insist must be 0, 1, true or false");
  if (insist === 1 || insist === true) config.insist = true;

  if (table.verify !== undefined && typeof table.verify !== "boolean") bad("verify must be a boolean");
  if (table.verify === false) config.verify = false;
  return config;
}

function field(
  table: Seed001CertTable,
  name: Seed001Field,
  source: CertificateBundle | CertResolver | undefined,
): CertData | undefined {
  const value = table[name];
  if (value === undefined) return undefined;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value !== "string") bad(`${name} must be a string, a Uint8Array or an ArrayBuffer`);
  if (value.indexOf("-----BEGIN ") >= 0) return value;
  if (value.length === 0) bad(`${name} is an empty string`);
  if (source === undefined) {
    throw new WebSocketError(
      "CERT_BUNDLE",
      `${name} names "${value}", but no certificate bundle or resolver was given to find it`,
    );
  }
  let found: CertData | undefined;
  if (source instanceof CertificateBundle) found = source.payload(value)?.bytes;
  else found = source(value, name);
  if (found === undefined) throw new WebSocketError("CERT_BUNDLE", `${name} names "${value}", which was not found`);
  return found;
}

function bad(message: string): never {
  throw new WebSocketError("INVALID_ARGUMENT", "seed 001 cert table: " + message);
}
