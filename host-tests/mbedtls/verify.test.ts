/**
 * Server certificate verification through the C core: good chain (leaf +
 * intermediate, trusting only the root), unknown CA, expired, host-name
 * mismatch with and without `insist`, against a Node TLS server and
 * `openssl s_server`.
 */
import { makeTestPki, type TestPki } from "./pki";
import { open, trusting } from "./drive";
import { startOpensslServer, startTlsEcho, type PeerServer } from "./servers";

let pki: TestPki;
const servers: PeerServer[] = [];

beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });

async function nodeServer(leaf: "server" | "expired" | "wronghost"): Promise<PeerServer> {
  const s = await startTlsEcho({ key: pki.text(`${leaf}.key`), cert: pki.text(`${leaf}-chain.pem`) });
  servers.push(s);
  return s;
}

describe("mbedTLS transport: server verification (Node TLS server)", () => {
  test("a good chain opens, sends SNI, and echoes", async () => {
    const server = await nodeServer("server");
    const s = open(server.port, trusting(pki.text("ca.pem")));
    await s.opened;
    s.transport.write(new TextEncoder().encode("hello mbedtls\n"));
    expect(await s.until((t) => t.includes("\n"))).toBe("hello mbedtls\n");
    expect(server.seen).toEqual([{ servername: "localhost", clientCn: undefined }]);
    s.transport.destroy();
    expect(await s.closed).toBeUndefined();
    expect(s.closeCount()).toBe(1);
  });

  test("the CA may be given as DER bytes", async () => {
    const server = await nodeServer("server");
    const s = open(server.port, trusting(pki.bytes("ca.der")));
    await s.opened;
    s.transport.destroy();
    await s.closed;
  });

  test("an unknown CA fails with TLS_ERROR naming it", async () => {
    const server = await nodeServer("server");
    const s = open(server.port, trusting(pki.text("other-ca.pem")));
    const error = await s.closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/unknown CA/);
    expect(error?.message).toMatch(/localhost/);
    await expect(s.opened).rejects.toBeDefined();
  });

  test("an expired server certificate fails with TLS_ERROR saying so", async () => {
    const server = await nodeServer("expired");
    const error = await open(server.port, trusting(pki.text("ca.pem"))).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/expired/);
  });

  test("a host-name mismatch fails without insist", async () => {
    const server = await nodeServer("wronghost");
    const error = await open(server.port, trusting(pki.text("ca.pem"))).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/not valid for host name "localhost" \(host name mismatch\)/);
  });

  test("insist accepts a chain whose only fault is the host name", async () => {
    const server = await nodeServer("wronghost");
    const s = open(server.port, trusting(pki.text("ca.pem"), { insist: true }));
    await s.opened;
    s.transport.write(new TextEncoder().encode("insisted\n"));
    expect(await s.until((t) => t.includes("\n"))).toBe("insisted\n");
    s.transport.destroy();
    await s.closed;
  });

  test("insist does not forgive an unknown CA", async () => {
    const server = await nodeServer("wronghost");
    const error = await open(server.port, trusting(pki.text("other-ca.pem"), { insist: true })).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/unknown CA/);
  });

  test("insist does not forgive an expired certificate", async () => {
    const server = await nodeServer("expired");
    const error = await open(server.port, trusting(pki.text("ca.pem"), { insist: true, servername: "elsewhere.test" })).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/expired/);
  });

  test("verify: false connects without any CA", async () => {
    const server = await nodeServer("expired");
    const s = open(server.port, { verify: false });
    await s.opened;
    s.transport.destroy();
    await s.closed;
  });

  test("no CA while verifying is refused before connecting", async () => {
    const server = await nodeServer("server");
    const error = await open(server.port, { servername: "localhost" }).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/no CA certificate/);
    expect(server.accepted).toBe(0);
  });

  test("a CA that is not a certificate is reported as such", async () => {
    const server = await nodeServer("server");
    const error = await open(server.port, trusting("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/^CA certificate: /);
  });
});

describe("mbedTLS transport: server verification (openssl s_server)", () => {
  async function openssl(leaf: string, chainPem = "int.pem") {
    const s = await startOpensslServer(["-cert", pki.path(`${leaf}.pem`), "-key", pki.path(`${leaf}.key`), "-cert_chain", pki.path(chainPem)]);
    servers.push(s);
    return s;
  }

  test("a good chain opens and talks to s_server", async () => {
    const server = await openssl("server");
    const s = open(server.port, trusting(pki.text("ca.pem")));
    await s.opened;
    s.transport.write(new TextEncoder().encode("stressed\n"));
    expect(await s.until((t) => t.includes("\n"))).toBe("desserts\n");
    s.transport.destroy();
    await s.closed;
  });

  test("an unknown CA fails against s_server", async () => {
    const server = await openssl("server");
    const error = await open(server.port, trusting(pki.text("other-ca.pem"))).closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/unknown CA/);
  });

  test("a wrong host fails, and insist lets it through", async () => {
    const server = await openssl("wronghost");
    const error = await open(server.port, trusting(pki.text("ca.pem"))).closed;
    expect(error?.message).toMatch(/host name mismatch/);
    const s = open(server.port, trusting(pki.text("ca.pem"), { insist: true }));
    await s.opened;
    s.transport.write(new TextEncoder().encode("live\n"));
    expect(await s.until((t) => t.includes("\n"))).toBe("evil\n");
    s.transport.destroy();
    await s.closed;
  });

  test("an expired certificate fails against s_server", async () => {
    const server = await openssl("expired");
    const error = await open(server.port, trusting(pki.text("ca.pem"))).closed;
    expect(error?.message).toMatch(/expired/);
  });
});
