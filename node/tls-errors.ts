/**
 * Node/OpenSSL TLS failures -> WebSocketError("TLS_ERROR") whose message says
 * what failed: unknown CA, expired, host name, client certificate refused,
 * wrong key password, unparsable certificate or key...
 */
import { WebSocketError } from "../modules/core/errors";

const UNKNOWN_CA = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_UNTRUSTED",
]);

const VERIFY_CODES: Record<string, string> = {
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  CERT_SIGNATURE_FAILURE: "a signature in the server's certificate chain does not verify",
  CERT_REVOKED: "the server's certificate is revoked",
  CERT_REJECTED: "the server's certificate is rejected for this purpose",
  INVALID_PURPOSE: "the server's certificate may not be used for a TLS server",
  INVALID_CA: "a certificate in the server's chain is not a valid CA",
  PATH_LENGTH_EXCEEDED: "the server's certificate chain is longer than its CA allows",
  ERROR_IN_CERT_NOT_BEFORE_FIELD: "the server's certificate has a damaged validity date",
  ERROR_IN_CERT_NOT_AFTER_FIELD: "the server's certificate has a damaged validity date",
};

/** True for errors that come from certificate checks or the TLS layer (not from TCP). */
export function isNodeTlsError(err: unknown): boolean {
  const code = codeOf(err);
  if (code === undefined) return false;
  return UNKNOWN_CA.has(code) || code in VERIFY_CODES || code === "ERR_TLS_CERT_ALTNAME_INVALID" ||
    code.startsWith("ERR_SSL_") || code.startsWith("ERR_OSSL_") || code.startsWith("ERR_TLS_") ||
    /^(CERT_|UNABLE_TO_|ERROR_IN_)/.test(code);
}

/**
 * The TLS_ERROR for a Node error, or undefined when the error is not about
 * TLS (ECONNREFUSED and the like stay with the transport's own mapping).
 * A WebSocketError (e.g. from nodeTlsOptions) is returned as it is.
 */
export function tlsErrorFromNode(err: unknown): WebSocketError | undefined {
  if (err instanceof WebSocketError) return err;
  if (!isNodeTlsError(err) && !/bad decrypt|no start line|DECODER routines/i.test(messageOf(err))) return undefined;
  return new WebSocketError("TLS_ERROR", "TLS: " + describe(err), { cause: err });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function describe(err: unknown): string {
  const code = codeOf(err) ?? "";
  const message = messageOf(err);
  if (UNKNOWN_CA.has(code)) return `the server's certificate is not signed by a trusted CA (unknown CA: ${code})`;
  if (code in VERIFY_CODES) return `${VERIFY_CODES[code]} (${code})`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const reason = (err as { reason?: unknown }).reason;
    return `host name mismatch: ${typeof reason === "string" ? reason : message}`;
  }
  if (/bad decrypt/i.test(message) || code === "ERR_OSSL_BAD_DECRYPT") return `cannot decrypt the client key: wrong password (${message})`;
  if (code === "ERR_OSSL_X509_KEY_VALUES_MISMATCH") return `the client key does not match the client certificate (${message})`;
  if (/^ERR_OSSL_(PEM|ASN1|X509|DECODER|UNSUPPORTED)/.test(code) || /no start line|bad end line|DECODER routines/i.test(message)) {
    return `a certificate or key does not parse (${message})`;
  }
  if (code === "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED") return "the server requires a client certificate and we sent none";
  const alert = /ALERT_([A-Z_]+)$/.exec(code);
  if (alert) {
    const name = alert[1].toLowerCase();
    if (/bad_certificate|unknown_ca|certificate_unknown|unsupported_certificate|certificate_revoked|certificate_expired|decrypt_error|access_denied/.test(name)) {
      return `the server rejected our client certificate (alert ${name})`;
    }
    return `the server ended the TLS handshake (alert ${name})`;
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG") {
    return `the server did not answer in TLS (is it a ws:// server?) (${message})`;
  }
  return code ? `${message} (${code})` : message;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
