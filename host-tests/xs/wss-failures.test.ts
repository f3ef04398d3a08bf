/**
 * wss on the XS engine when the line fails: a server that never answers the
 * handshake (CONNECT_TIMEOUT), a reset in the middle of a message
 * (CONNECTION_LOST), and a host the simulator will not dial. Each ends in
 * close 1006 with one typed error, as on Node (host-tests/mbedtls).
 */
import { packFiles } from "../../certs/pack";
import { makeTestPki, type TestPki } from "../mbedtls/pki";
import { startCuttingProxy, startSilentServer, type CuttingProxy, type PeerServer } from "../mbedtls/servers";
import { startWssPeer, type WssPeer } from "./wss-peer";
import { WssSimulator, type WssClient } from "./wss-simulator";

let pki: TestPki;
let server: WssPeer;
let silent: PeerServer;
let proxy: CuttingProxy;
let sim: WssSimulator;

beforeAll(async () => {
  pki = makeTestPki();
  server = await startWssPeer({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
  silent = await startSilentServer();
  proxy = await startCuttingProxy(server.port);
  sim = await WssSimulator.start();
  sim.mapResource("websocket-certs.wscb", packFiles([{ path: "localhost_ca.pem", fileName: "localhost_ca.pem", bytes: pki.bytes("ca.pem") }]).bundle);
});

afterAll(async () => {
  await sim?.stop();
  await Promise.all([server, silent, proxy].map((peer) => peer?.close()));
  pki?.remove();
});

afterEach(() => expect(sim.uncaught()).toEqual([]));

async function failed(client: WssClient): Promise<{ code: string; message: string }> {
  expect(await client.next("close")).toEqual({ type: "close", code: 1006, reason: "", wasClean: false });
  const errors = client.all("error");
  expect(errors).toHaveLength(1);
  return errors[0];
}

test("a server that never answers the TLS handshake: CONNECT_TIMEOUT, and its socket is closed", async () => {
  const client = await sim.open(`wss://localhost:${silent.port}/`, { connectTimeout: 300 });
  const error = await failed(client);
  expect(error.code).toBe("CONNECT_TIMEOUT");
  expect(client.all("open")).toEqual([]);
  while (silent.closed < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(silent.accepted).toBe(1);
});

test("a reset in the middle of a message: CONNECTION_LOST", async () => {
  const client = await sim.open(`wss://localhost:${proxy.port}/`, { maxMessageSize: 1 << 20 });
  await client.next("open");
  proxy.arm();
  await client.send(new Uint8Array(200000));
  const error = await failed(client);
  expect(error.code).toBe("CONNECTION_LOST");
  expect(error.message).toMatch(/reset/i);
});

test("a host other than loopback is never dialled: CONNECTION_FAILED naming it", async () => {
  const opened = sim.bridge.tls.opened;
  const sockets = sim.bridge.stats.socketsOpened;
  const client = await sim.open("wss://example.com/", { tls: { verify: false } });
  const error = await failed(client);
  expect(error.code).toBe("CONNECTION_FAILED");
  expect(error.message).toContain("example.com");
  // The simulator's resolver knows only loopback names: no socket, so no TLS session either.
  expect(sim.bridge.stats.socketsOpened).toBe(sockets);
  expect(sim.bridge.tls.opened).toBe(opened);
});
