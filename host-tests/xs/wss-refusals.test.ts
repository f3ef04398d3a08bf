/**
 * wss on the XS engine, refused: bad server certificates fail in the C core
 * with a typed TLS_ERROR and close 1006 (as on Node, host-tests/mbedtls), and
 * a missing bundle or a host it has no entry for is reported the same way,
 * as CERT_BUNDLE, with nothing dialled (as on Node, host-tests/certs).
 */
import { packFiles } from "../../certs/pack";
import { makeTestPki, type TestPki } from "../mbedtls/pki";
import { startWssPeer, type WssPeer } from "./wss-peer";
import { WssSimulator, type WssClient } from "./wss-simulator";

const BUNDLE = "websocket-certs.wscb";

let pki: TestPki;
let good: WssPeer;
let wrongHost: WssPeer;
let expired: WssPeer;

beforeAll(async () => {
  pki = makeTestPki();
  good = await startWssPeer({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
  wrongHost = await startWssPeer({ key: pki.text("wronghost.key"), cert: pki.text("wronghost-chain.pem") });
  expired = await startWssPeer({ key: pki.text("expired.key"), cert: pki.text("expired-chain.pem") });
});

afterAll(async () => {
  await Promise.all([good, wrongHost, expired].map((peer) => peer?.close()));
  pki?.remove();
});

/** A simulator whose flash holds a bundle with one CA for localhost (none: no bundle at all). */
function withBundle(ca: string | undefined): () => WssSimulator {
  let sim: WssSimulator;
  beforeAll(async () => {
    sim = await WssSimulator.start();
    if (ca) sim.mapResource(BUNDLE, packFiles([{ path: "localhost_ca.pem", fileName: "localhost_ca.pem", bytes: pki.bytes(ca) }]).bundle);
  });
  afterAll(() => sim?.stop());
  afterEach(() => expect(sim.uncaught()).toEqual([]));
  return () => sim;
}

async function refused(client: WssClient): Promise<{ code: string; message: string }> {
  expect(await client.next("close")).toEqual({ type: "close", code: 1006, reason: "", wasClean: false });
  expect(client.all("open")).toEqual([]);
  const errors = client.all("error");
  expect(errors).toHaveLength(1);
  return errors[0];
}

describe("bundle with the right CA", () => {
  const sim = withBundle("ca.pem");

  test("a certificate for another host: TLS_ERROR naming the mismatch, close 1006", async () => {
    const error = await refused(await sim().open(`wss://localhost:${wrongHost.port}/`));
    expect(error.code).toBe("TLS_ERROR");
    expect(error.message).toMatch(/host name mismatch/);
    expect(wrongHost.seen).toEqual([]);
  });

  test("an expired certificate: TLS_ERROR, close 1006", async () => {
    const error = await refused(await sim().open(`wss://localhost:${expired.port}/`));
    expect(error.code).toBe("TLS_ERROR");
    expect(error.message).toMatch(/expired/);
    expect(expired.seen).toEqual([]);
  });

  test("a host the bundle has no entry for: CERT_BUNDLE, close 1006, and nothing is dialled", async () => {
    const opened = sim().bridge.tls.opened;
    const error = await refused(await sim().open(`wss://127.0.0.1:${good.port}/`));
    expect(error.code).toBe("CERT_BUNDLE");
    expect(error.message).toMatch(/no entry for host "127.0.0.1"/);
    expect(sim().bridge.tls.opened).toBe(opened);
  });

  test("after the refusals the same simulator still connects", async () => {
    const client = await sim().open(`wss://localhost:${good.port}/`);
    await client.next("open");
    await client.send("still fine");
    expect((await client.next("message")).data).toBe("still fine");
    await client.close();
    await client.next("close");
  });
});

describe("bundle with an unrelated CA", () => {
  const sim = withBundle("other-ca.pem");

  test("the server's chain is not trusted: TLS_ERROR, close 1006", async () => {
    const error = await refused(await sim().open(`wss://localhost:${good.port}/`));
    expect(error.code).toBe("TLS_ERROR");
    expect(error.message).toMatch(/not signed by a trusted CA/);
  });
});

describe("no bundle in the build", () => {
  const sim = withBundle(undefined);

  test("CERT_BUNDLE naming the missing resource, close 1006; nothing is dialled", async () => {
    const error = await refused(await sim().open(`wss://localhost:${good.port}/`));
    expect(error.code).toBe("CERT_BUNDLE");
    expect(error.message).toContain(`no certificate bundle "${BUNDLE}"`);
    expect(sim().bridge.tls.opened).toBe(0);
  });
});
