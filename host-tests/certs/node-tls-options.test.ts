/** The mapping from a target's TlsConfig to Node tls.connect options, and the TLS error texts. */
import type { PeerCertificate } from "node:tls";
import { WebSocketError } from "../../modules/core/errors";
import { tlsErrorFromNode } from "../../node/tls-errors";
import { nodeTlsOptions } from "../../node/tls-options";
import type { TlsConfig } from "../../modules/transport/transport";
import { CLIENT_KEY_PASSWORD, makePki, type Pki } from "./pki";

let pki: Pki;
beforeAll(() => { pki = makePki(); });
afterAll(() => pki?.remove());

const target = (host: string, tls?: TlsConfig) => ({ host, port: 443, secure: true, tls });

function refused(tls: TlsConfig, host = "localhost"): WebSocketError {
  try {
    nodeTlsOptions(target(host, tls));
  } catch (e) {
    if (e instanceof WebSocketError) return e;
    throw e;
  }
  throw new Error("expected nodeTlsOptions to refuse");
}

test("no TlsConfig: Node's defaults with verification, SNI for names only", () => {
  expect(nodeTlsOptions(target("example.com"))).toEqual({ host: "example.com", port: 443, servername: "example.com", rejectUnauthorized: true });
  expect(nodeTlsOptions(target("127.0.0.1")).servername).toBeUndefined();
  expect(nodeTlsOptions(target("::1")).servername).toBeUndefined();
});

test("servername overrides the name sent and checked, even when dialling an address", () => {
  const o = nodeTlsOptions(target("127.0.0.1", { ca: [pki.pem("ca.pem")], servername: "alpha.test" }));
  expect(o.servername).toBe("alpha.test");
  expect(o.host).toBe("127.0.0.1");
});

test("CA, client certificate with its chain, key and password", () => {
  const o = nodeTlsOptions(target("localhost", {
    ca: [pki.pem("ca.pem"), pki.der("ca.der")],
    cert: pki.pem("client.pem"), chain: [pki.pem("ca.pem")],
    key: pki.pem("client-encrypted.key"), passphrase: CLIENT_KEY_PASSWORD,
  }));
  expect(o.rejectUnauthorized).toBe(true);
  expect(o.checkServerIdentity).toBeUndefined(); // Node's own, strict check
  expect(o.ca).toEqual([pki.pem("ca.pem"), pki.pem("ca.pem")]); // DER became the same PEM
  expect(o.cert).toBe(pki.pem("client.pem") + pki.pem("ca.pem"));
  expect(o.passphrase).toBe(CLIENT_KEY_PASSWORD);
  expect(o.secureContext).toBeDefined();
});

test("a DER key is re-encoded as PEM", () => {
  const o = nodeTlsOptions(target("localhost", { ca: [pki.pem("ca.pem")], cert: pki.der("client.der"), key: pki.der("client-key.der") }));
  expect(String(o.key)).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  expect(o.cert).toBe(pki.pem("client.pem"));
});

test("insist replaces only the host-name check", () => {
  const o = nodeTlsOptions(target("localhost", { ca: [pki.pem("ca.pem")], insist: true }));
  expect(o.rejectUnauthorized).toBe(true);
  const peer = { subject: { CN: "elsewhere.test" }, subjectaltname: "DNS:elsewhere.test" } as unknown as PeerCertificate;
  expect(o.checkServerIdentity!("localhost", peer)).toBeUndefined();
});

test("verify: false turns both checks off, and needs no CA", () => {
  const o = nodeTlsOptions(target("localhost", { verify: false }));
  expect(o.rejectUnauthorized).toBe(false);
  expect(o.ca).toBeUndefined();
});

test.each<[string, () => TlsConfig, string, RegExp]>([
  ["no CA", () => ({}), "TLS_ERROR", /no CA certificate to verify "localhost" against/],
  ["an empty CA list", () => ({ ca: [] }), "TLS_ERROR", /no CA certificate/],
  ["a CA that is not PEM", () => ({ ca: ["garbage"] }), "TLS_ERROR", /tls\.ca holds no PEM certificate/],
  ["a CA whose PEM does not parse", () => ({ ca: ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"] }), "TLS_ERROR", /tls\.ca does not parse as a certificate/],
  ["a CA in damaged DER", () => ({ ca: [new Uint8Array([0x30, 0x82, 0x05])] }), "TLS_ERROR", /tls\.ca has a truncated DER length/],
  ["a key without certificate", () => ({ ca: [pki.pem("ca.pem")], key: pki.pem("client.key") }), "INVALID_ARGUMENT", /tls\.key is given without tls\.cert/],
  ["a certificate without key", () => ({ ca: [pki.pem("ca.pem")], cert: pki.pem("client.pem") }), "INVALID_ARGUMENT", /tls\.cert is given without tls\.key/],
  ["a chain without certificate", () => ({ ca: [pki.pem("ca.pem")], chain: [pki.pem("ca.pem")] }), "INVALID_ARGUMENT", /tls\.chain is given without tls\.cert/],
  ["a wrong key password", () => ({ ca: [pki.pem("ca.pem")], cert: pki.pem("client.pem"), key: pki.pem("client-encrypted.key"), passphrase: "no" }), "TLS_ERROR", /cannot decrypt the client key: wrong password/],
  ["an encrypted key without a password", () => ({ ca: [pki.pem("ca.pem")], cert: pki.pem("client.pem"), key: pki.pem("client-encrypted.key") }), "TLS_ERROR", /the client key is encrypted and no password was given/],
  ["a key that is not the certificate's", () => ({ ca: [pki.pem("ca.pem")], cert: pki.pem("client.pem"), key: pki.pem("server.key") }), "TLS_ERROR", /client key does not match the client certificate/],
  ["a key that is not PEM", () => ({ ca: [pki.pem("ca.pem")], cert: pki.pem("client.pem"), key: "garbage" }), "TLS_ERROR", /a certificate or key does not parse/],
  ["a DER key that does not parse", () => ({ ca: [pki.pem("ca.pem")], cert: pki.pem("client.pem"), key: new Uint8Array([0x30, 0x00]) }), "TLS_ERROR", /the client key does not parse/],
])("refuses %s", (_what, tls, code, pattern) => {
  const e = refused(tls());
  expect(e.code).toBe(code);
  expect(e.message).toMatch(pattern);
});

describe("tlsErrorFromNode", () => {
  const err = (code: string, message = "x", extra: object = {}) => Object.assign(new Error(message), { code }, extra);
  test.each<[Error, RegExp]>([
    [err("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), /not signed by a trusted CA \(unknown CA: UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/],
    [err("SELF_SIGNED_CERT_IN_CHAIN"), /unknown CA/],
    [err("CERT_HAS_EXPIRED"), /the server's certificate has expired/],
    [err("CERT_NOT_YET_VALID"), /not valid yet/],
    [err("ERR_TLS_CERT_ALTNAME_INVALID", "m", { reason: "Host: a. is not in the cert's altnames: DNS:b" }), /host name mismatch: Host: a\. is not in/],
    [err("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"), /requires a client certificate/],
    [err("ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE"), /rejected our client certificate \(alert bad_certificate\)/],
    [err("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA"), /rejected our client certificate \(alert unknown_ca\)/],
    [err("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"), /ended the TLS handshake \(alert handshake_failure\)/],
    [err("ERR_SSL_WRONG_VERSION_NUMBER"), /did not answer in TLS/],
    [err("ERR_OSSL_BAD_DECRYPT", "error:1C800064:Provider routines::bad decrypt"), /wrong password/],
  ])("%s", (e, pattern) => {
    const mapped = tlsErrorFromNode(e);
    expect(mapped?.code).toBe("TLS_ERROR");
    expect(mapped?.message).toMatch(pattern);
  });

  test("errors that are not about TLS are left to the transport", () => {
    expect(tlsErrorFromNode(err("ECONNREFUSED"))).toBeUndefined();
    expect(tlsErrorFromNode(err("ECONNRESET"))).toBeUndefined();
    expect(tlsErrorFromNode(new Error("plain"))).toBeUndefined();
  });
});
