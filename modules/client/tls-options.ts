/**
 * The `tls` option's object, checked where it enters (types only: whether the
 * certificates parse is the TLS layer's business, when it uses them).
 */
import { booleanOption, knownOptions, optionError, optionsObject, stringOption } from "../core/options";

const TLS_OPTIONS: readonly string[] = Object.freeze([
  "ca",
  "chain",
  "cert",
  "key",
  "passphrase",
  "verify",
  "insist",
  "servername",
  "resumption",
]);

const CERT_DATA = "PEM text or DER bytes (a string or a Uint8Array)";

function certData(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "string" && !(value instanceof Uint8Array))
    throw optionError(name, value, CERT_DATA);
}

function certList(name: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw optionError(name, value, `an array of ${CERT_DATA}`);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== "string" && !(value[i] instanceof Uint8Array))
      throw optionError(`${name}[${i}]`, value[i], CERT_DATA);
  }
}

/** Throws INVALID_ARGUMENT for a `tls` value of the wrong shape; `name` is how errors name it. */
export function checkTlsConfig(name: string, value: unknown): void {
  const tls = optionsObject(name, value);
  knownOptions(name, tls, TLS_OPTIONS);
  certList(`${name}.ca`, tls.ca);
  certList(`${name}.chain`, tls.chain);
  certData(`${name}.cert`, tls.cert);
  certData(`${name}.key`, tls.key);
  stringOption(`${name}.passphrase`, tls.passphrase);
  stringOption(`${name}.servername`, tls.servername);
  booleanOption(`${name}.verify`, tls.verify, true);
  booleanOption(`${name}.insist`, tls.insist, false);
  booleanOption(`${name}.resumption`, tls.resumption, true);
}
