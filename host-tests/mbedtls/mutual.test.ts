/**
 * Mutual TLS through the C core: a server that requires a client certificate,
 * with and without ours, a client certificate that needs its chain, and
 * encrypted private keys with the right, wrong and missing passphrase.
 */
import { makeTestPki, KEY_PASSPHRASE, type TestPki } from "./pki";
import { open, trusting } from "./drive";
import { startOpensslServer, startTlsEcho, type PeerServer } from "./servers";
import { loadMbedtlsNative } from "../../node/mbedtls";

let pki: TestPki;
let server: PeerServer;

beforeAll(async () => {
  pki = makeTestPki();
  server = await startTlsEcho({
    key: pki.text("server.key"), cert: pki.text("server-chain.pem"),
    ca: pki.text("ca.pem"), requestCert: true, rejectUnauthorized: true,
  });
});
afterAll(async () => {
  await server.close();
  pki.remove();
});

async function echoes(s: ReturnType<typeof open>): Promise<void> {
  await s.opened;
  s.transport.write(new TextEncoder().encode("mutual\n"));
  expect(await s.until((t) => t.includes("\n"))).toBe("mutual\n");
  s.transport.destroy();
  expect(await s.closed).toBeUndefined();
}

describe("mbedTLS transport: mutual TLS", () => {
  test("our certificate and key get us in, and the server sees who we are", async () => {
    const before = server.seen.length;
    await echoes(open(server.port, trusting(pki.text("ca.pem"), { cert: pki.text("client.pem"), key: pki.text("client.key") })));
    expect(server.seen.slice(before)).toEqual([{ servername: "localhost", clientCn: "wsx test client" }]);
  });

  test("without a client certificate the server refuses us with a clear error", async () => {
    const s = open(server.port, trusting(pki.text("ca.pem")));
    const error = await s.closed;
    expect(error?.code).toBe("TLS_ERROR");
    // TLS 1.2 fails inside the handshake; TLS 1.3 (mbedTLS 3.x) right after it, on the first read.
    expect(error?.message).toMatch(/^TLS(:| handshake with) 127\.0\.0\.1:\d+ .*the server may require a client certificate$/);
  });

  test("a certificate issued by the intermediate needs its chain", async () => {
    const tls = trusting(pki.text("ca.pem"), { cert: pki.text("client-int.pem"), key: pki.text("client-int.key") });
    const without = await open(server.port, tls).closed;
    expect(without?.code).toBe("TLS_ERROR");
    expect(without?.message).toMatch(/the server may have refused our client certificate or its chain$/);
    const before = server.seen.length;
    await echoes(open(server.port, { ...tls, chain: [pki.text("int.pem")] }));
    expect(server.seen.slice(before).map((s) => s.clientCn)).toEqual(["wsx chained client"]);
  });

  test("a key that does not belong to the certificate is refused before connecting", async () => {
    const accepted = server.accepted;
    const error = await open(server.port, trusting(pki.text("ca.pem"), { cert: pki.text("client.pem"), key: pki.text("server.key") })).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/does not match the client certificate/);
    expect(server.accepted).toBe(accepted);
  });

  test("a certificate without its key is refused", async () => {
    const error = await open(server.port, trusting(pki.text("ca.pem"), { cert: pki.text("client.pem") })).closed;
    expect(error?.message).toMatch(/client certificate given without its key/);
  });
});

describe("mbedTLS transport: encrypted client keys", () => {
  const withKey = (file: string, passphrase?: string) =>
    trusting(pki.text("ca.pem"), { cert: pki.text("client.pem"), key: pki.text(file), passphrase });

  test.each(["client-pem-aes.key", "client-p8-des3.key"])("%s with the right passphrase gets in", async (file) => {
    await echoes(open(server.port, withKey(file, KEY_PASSPHRASE)));
  });

  test.each(["client-pem-aes.key", "client-p8-des3.key"])("%s with a wrong passphrase fails saying so", async (file) => {
    const error = await open(server.port, withKey(file, "not it")).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/^client key: wrong passphrase/);
  });

  test("an encrypted key without a passphrase says one is needed", async () => {
    const error = await open(server.port, withKey("client-pem-aes.key")).closed;
    expect(error?.message).toMatch(/^client key: the private key is encrypted and no passphrase was given/);
  });

  test("PKCS#8 with AES: read by mbedTLS 3.x, named as unsupported by 2.28", async () => {
    const s = open(server.port, withKey("client-p8-aes.key", KEY_PASSPHRASE));
    if (loadMbedtlsNative().mbedtlsVersion.startsWith("2.")) {
      const error = await s.closed;
      expect(error?.code).toBe("TLS_ERROR");
      expect(error?.message).toMatch(/^client key: the key is PKCS#8-encrypted with a cipher this mbedTLS build cannot decrypt/);
    } else {
      await echoes(s);
    }
  });
});

describe("mbedTLS transport: mutual TLS with openssl s_server -Verify", () => {
  let ossl: PeerServer;
  beforeAll(async () => {
    ossl = await startOpensslServer(["-cert", pki.path("server.pem"), "-key", pki.path("server.key"),
      "-cert_chain", pki.path("int.pem"), "-CAfile", pki.path("ca.pem"), "-Verify", "2"]);
  });
  afterAll(() => ossl.close());

  test("with our certificate s_server answers", async () => {
    const s = open(ossl.port, withKeyFor(pki, "client-pem-aes.key", KEY_PASSPHRASE));
    await s.opened;
    s.transport.write(new TextEncoder().encode("drawer\n"));
    expect(await s.until((t) => t.includes("\n"))).toBe("reward\n");
    s.transport.destroy();
    await s.closed;
  });

  test("without one s_server refuses the handshake", async () => {
    const error = await open(ossl.port, trusting(pki.text("ca.pem"))).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/fatal alert .*the server may require a client certificate$/);
  });
});

function withKeyFor(p: TestPki, file: string, passphrase: string) {
  return trusting(p.text("ca.pem"), { cert: p.text("client.pem"), key: p.text(file), passphrase });
}
