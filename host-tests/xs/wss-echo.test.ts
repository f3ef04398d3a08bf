/**
 * wss on the XS engine: the device's own path (modules/device/configured.ts:
 * the TLS layer over the ECMA-419 TCP transport, mbedTLS through `wsx-tls`, certificates from the packed flash
 * bundle) inside xsnap, with `wsx-tls` answered by the real mbedTLS C core in
 * the parent, against a real `ws` server over Node's `https`.
 */
import { packFiles } from "../../certs/pack";
import { makeTestPki, type TestPki } from "../mbedtls/pki";
import { startWssPeer, type WssPeer } from "./wss-peer";
import { WssSimulator } from "./wss-simulator";

const BUNDLE = "websocket-certs.wscb"; // manifest_namespaced.json's config.websocket.certificates

let pki: TestPki;
let server: WssPeer;
let mutual: WssPeer;
let sim: WssSimulator;

beforeAll(async () => {
  pki = makeTestPki();
  server = await startWssPeer({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
  mutual = await startWssPeer({ key: pki.text("server.key"), cert: pki.text("server-chain.pem"),
    ca: pki.text("ca.pem"), requestCert: true, rejectUnauthorized: true });
  sim = await WssSimulator.start();
  const file = (path: string, from: string) => ({ path, fileName: path, bytes: pki.bytes(from) });
  sim.mapResource(BUNDLE, packFiles([
    file("localhost_ca.pem", "ca.pem"),
    file("localhost_cert.pem", "client.pem"),
    file("localhost_key.pem", "client.key"),
  ]).bundle);
});

afterAll(async () => {
  await sim?.stop();
  await server?.close();
  await mutual?.close();
  pki?.remove();
});

afterEach(() => expect(sim.uncaught()).toEqual([]));

test("text and binary echo over wss, then a clean close; TLS ran in the C core", async () => {
  const opened = sim.bridge.tls.opened;
  const client = await sim.open(`wss://localhost:${server.port}/echo`);
  await client.next("open");
  await client.send("héllo wörld ✓");
  await client.send(new Uint8Array([0, 1, 2, 254, 255]));
  await client.log.waitFor(() => client.all("message").length >= 2, "second message");
  expect(client.all("message")).toEqual([
    { type: "message", data: "héllo wörld ✓", binary: false },
    { type: "message", data: new Uint8Array([0, 1, 2, 254, 255]), binary: true },
  ]);
  await client.close(1000, "done");
  expect(await client.next("close")).toEqual({ type: "close", code: 1000, reason: "done", wasClean: true });
  expect(client.all("error")).toEqual([]);
  expect(sim.bridge.tls.opened).toBe(opened + 1);
  // SNI: the URL's host name, taken to the server by the C core.
  expect(server.seen.at(-1)).toEqual({ servername: "localhost", clientCn: undefined });
});

test("messages larger than a TLS record (300 KiB binary, multi-byte text) come back intact", async () => {
  const client = await sim.open(`wss://localhost:${server.port}/`, { maxMessageSize: 1 << 20 });
  await client.next("open");
  const big = new Uint8Array(300 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 11)) & 0xff;
  const text = "ж€😀a".repeat(6000);
  expect(await client.send(big)).toBe(true);
  expect(await client.send(text)).toBe(true);
  await client.log.waitFor(() => client.all("message").length >= 2, "second message");
  const [binary, echoed] = client.all("message");
  expect(binary.binary).toBe(true);
  expect(Buffer.from(binary.data as Uint8Array).equals(Buffer.from(big))).toBe(true);
  expect(echoed.data).toBe(text);
  await client.close();
  expect(await client.next("close")).toMatchObject({ code: 1005, wasClean: true });
});

test("the server closes: its code and reason arrive, and the close is clean", async () => {
  const client = await sim.open(`wss://localhost:${server.port}/`);
  await client.next("open");
  await client.send("close 4001 server says bye");
  expect(await client.next("close")).toEqual({ type: "close", code: 4001, reason: "server says bye", wasClean: true });
  expect(client.all("error")).toEqual([]);
});

test("mutual TLS: the client certificate and key come from the bundle", async () => {
  const client = await sim.open(`wss://localhost:${mutual.port}/`);
  await client.next("open");
  await client.send("who am i");
  expect((await client.next("message")).data).toBe("who am i");
  expect(mutual.seen).toEqual([{ servername: "localhost", clientCn: "wsx test client" }]);
  await client.close();
  await client.next("close");
});

test("the next connection to the same host resumes the TLS session (the device runtime keeps it per host)", async () => {
  const before = server.reused.length;
  for (let i = 0; i < 2; i++) {
    const client = await sim.open(`wss://localhost:${server.port}/`);
    await client.next("open");
    await client.close(1000, "again");
    await client.next("close");
  }
  // The first test's connection made the host's session; every later one resumes.
  expect(server.reused.slice(before)).toEqual([true, true]);
  expect(server.reused[0]).toBe(false);
});

test("config.websocket.tlsResumption: false in the app's manifest makes every handshake a full one", async () => {
  const off = await WssSimulator.start({ config: { websocket: { tlsResumption: false } } });
  try {
    off.mapResource(BUNDLE, packFiles([{ path: "localhost_ca.pem", fileName: "localhost_ca.pem", bytes: pki.bytes("ca.pem") }]).bundle);
    const before = server.reused.length;
    for (let i = 0; i < 2; i++) {
      const client = await off.open(`wss://localhost:${server.port}/`);
      await client.next("open");
      await client.close(1000, "again");
      await client.next("close");
    }
    expect(server.reused.slice(before)).toEqual([false, false]);
    expect(off.uncaught()).toEqual([]);
  } finally {
    await off.stop();
  }
});
