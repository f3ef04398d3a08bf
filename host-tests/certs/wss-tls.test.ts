/**
 * wss over Node's tls with the options the certificate work defines, through
 * the library's real Client, against real `ws` servers over `https` on
 * 127.0.0.1 with certificates made by openssl for this run.
 */
import { attempt } from "./connect";
import { CLIENT_KEY_PASSWORD, makePki, type Pki } from "./pki";
import { startWss, type WssServer } from "./wss-server";

let pki: Pki;
let good: WssServer;      // localhost/127.0.0.1 certificate from "ca"
let expired: WssServer;   // same names, expired
let wrongHost: WssServer; // a valid certificate for elsewhere.test
let mutual: WssServer;    // requires a client certificate issued by "ca"

beforeAll(async () => {
  pki = makePki();
  good = await startWss({ key: pki.pem("server.key"), cert: pki.pem("server.pem") });
  expired = await startWss({ key: pki.pem("expired.key"), cert: pki.pem("expired.pem") });
  wrongHost = await startWss({ key: pki.pem("wronghost.key"), cert: pki.pem("wronghost.pem") });
  mutual = await startWss({
    key: pki.pem("server.key"), cert: pki.pem("server.pem"),
    ca: pki.pem("ca.pem"), requestCert: true, rejectUnauthorized: true,
  });
});

afterAll(async () => {
  await Promise.all([good, expired, wrongHost, mutual].filter(Boolean).map((s) => s.close()));
  pki?.remove();
});

const url = (s: WssServer) => `wss://127.0.0.1:${s.port}/`;

describe("server verification", () => {
  test("a chain from the given CA connects", async () => {
    const r = await attempt(url(good), { tls: { ca: [pki.pem("ca.pem")] } });
    expect(r.error).toBeUndefined();
    expect(r.opened).toBe(true);
    expect(r.echoed).toBe("over tls");
  });

  test("the CA may be DER bytes", async () => {
    const r = await attempt(url(good), { tls: { ca: [pki.der("ca.der")] } });
    expect(r.error).toBeUndefined();
    expect(r.echoed).toBe("over tls");
  });

  test("an unknown CA fails with a clear TLS_ERROR", async () => {
    const r = await attempt(url(good), { tls: { ca: [pki.pem("other-ca.pem")] } });
    expect(r.opened).toBe(false);
    expect(r.error?.code).toBe("TLS_ERROR");
    expect(r.error?.message).toMatch(/not signed by a trusted CA \(unknown CA/);
  });

  test("without any TLS settings Node's own CA store is used, which does not know our test CA", async () => {
    const r = await attempt(url(good), {});
    expect(r.opened).toBe(false);
    expect(r.error?.code).toBe("TLS_ERROR");
    expect(r.error?.message).toMatch(/unknown CA/);
  });

  test("a TLS config without any CA is refused before connecting", async () => {
    const before = good.seen.length;
    const r = await attempt(url(good), { tls: { cert: undefined } });
    expect(r.opened).toBe(false);
    expect(r.error?.code).toBe("TLS_ERROR");
    expect(r.error?.message).toMatch(/no CA certificate to verify "127.0.0.1" against.*verify: false/);
    expect(good.seen.length).toBe(before);
  });

  test("verify: false connects without a CA (unsafe, explicit)", async () => {
    const r = await attempt(url(good), { tls: { verify: false } });
    expect(r.error).toBeUndefined();
    expect(r.echoed).toBe("over tls");
  });

  test("an expired certificate fails", async () => {
    const r = await attempt(url(expired), { tls: { ca: [pki.pem("ca.pem")] } });
    expect(r.opened).toBe(false);
    expect(r.error?.code).toBe("TLS_ERROR");
    expect(r.error?.message).toMatch(/certificate has expired/);
  });

  test("insist does not excuse an expired certificate", async () => {
    const r = await attempt(url(expired), { tls: { ca: [pki.pem("ca.pem")], insist: true } });
    expect(r.error?.message).toMatch(/certificate has expired/);
  });

  test("a certificate for another host fails", async () => {
    const r = await attempt(url(wrongHost), { tls: { ca: [pki.pem("ca.pem")] } });
    expect(r.opened).toBe(false);
    expect(r.error?.code).toBe("TLS_ERROR");
    expect(r.error?.message).toMatch(/host name mismatch: IP: 127\.0\.0\.1 is not in the cert's list/);
  });

  test("...and connects with insist, which tolerates only the name", async () => {
    const r = await attempt(url(wrongHost), { tls: { ca: [pki.pem("ca.pem")], insist: true } });
    expect(r.error).toBeUndefined();
    expect(r.echoed).toBe("over tls");
  });

  test("insist does not excuse an unknown CA", async () => {
    const r = await attempt(url(wrongHost), { tls: { ca: [pki.pem("other-ca.pem")], insist: true } });
    expect(r.error?.message).toMatch(/unknown CA/);
  });
});

describe("mutual TLS", () => {
  const ca = () => [pki.pem("ca.pem")];

  test("the server accepts our client certificate", async () => {
    const before = mutual.seen.length;
    const r = await attempt(url(mutual), { tls: { ca: ca(), cert: pki.pem("client.pem"), key: pki.pem("client.key") } });
    expect(r.error).toBeUndefined();
    expect(r.echoed).toBe("over tls");
    expect(mutual.seen.slice(before).map((s) => s.clientCn)).toEqual(["test client"]);
  });

  test("certificate and key may be DER bytes", async () => {
    const r = await attempt(url(mutual), { tls: { ca: ca(), cert: pki.der("client.der"), key: pki.der("client-key.der") } });
    expect(r.error).toBeUndefined();
    expect(r.echoed).toBe("over tls");
  });

  test("the server rejects a connection without a client certificate", async () => {
    const before = mutual.seen.length;
    const r = await attempt(url(mutual), { tls: { ca: ca() } });
    expect(r.opened).toBe(false);
    expect(r.error?.code).toBe("TLS_ERROR");
    expect(r.error?.message).toMatch(/requires a client certificate|rejected our client certificate|ended the TLS handshake/);
    expect(mutual.seen.length).toBe(before);
  });

  test("the server rejects a client certificate from a CA it does not trust", async () => {
    // Node's server checks the client chain after the handshake and just drops the
    // socket (no alert), so the client can only see the connection end.
    const before = mutual.seen.length;
    const r = await attempt(url(mutual), { tls: { ca: ca(), cert: pki.pem("client2.pem"), key: pki.pem("client2.key") } });
    expect(r.opened).toBe(false);
    expect(r.error).toBeDefined();
    expect(mutual.seen.length).toBe(before);
  });

  test("an encrypted key works with the right password", async () => {
    const r = await attempt(url(mutual), {
      tls: { ca: ca(), cert: pki.pem("client.pem"), key: pki.pem("client-encrypted.key"), passphrase: CLIENT_KEY_PASSWORD },
    });
    expect(r.error).toBeUndefined();
    expect(r.echoed).toBe("over tls");
  });

  test("an encrypted key with a wrong password fails clearly", async () => {
    const r = await attempt(url(mutual), {
      tls: { ca: ca(), cert: pki.pem("client.pem"), key: pki.pem("client-encrypted.key"), passphrase: "wrong" },
    });
    expect(r.opened).toBe(false);
    expect(r.error?.code).toBe("TLS_ERROR");
    expect(r.error?.message).toMatch(/cannot decrypt the client key: wrong password/);
  });

  test("a key that does not belong to the certificate fails clearly", async () => {
    const r = await attempt(url(mutual), { tls: { ca: ca(), cert: pki.pem("client.pem"), key: pki.pem("client2.key") } });
    expect(r.opened).toBe(false);
    expect(r.error?.code).toBe("TLS_ERROR");
    expect(r.error?.message).toMatch(/client key does not match the client certificate/);
  });
});
