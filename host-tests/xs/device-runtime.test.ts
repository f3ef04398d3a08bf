/** The device runtime's choices, seen from the client on XS. */
import { HarnessError, xsEngine } from "../support/engines";
import { startWsServer } from "../support/servers";
import { LWIP_TCP_SND_BUF } from "../../simulator/bridge";

const engine = xsEngine();
beforeAll(() => engine.start());
afterAll(() => engine.stop());

test("wss: without a secure transport factory, the device runtime refuses with a typed TLS_ERROR (no stub)", async () => {
  const failure = engine.open("wss://127.0.0.1:1/");
  await expect(failure).rejects.toBeInstanceOf(HarnessError);
  await expect(failure).rejects.toMatchObject({ code: "TLS_ERROR" });
  await expect(failure).rejects.toThrow(/no TLS transport/);
});

test("ws://localhost: the host name goes through the device resolver (Net.resolve) and connects", async () => {
  const server = await startWsServer();
  try {
    const client = await engine.open(`ws://localhost:${server.port}/`);
    await client.next("open");
    await client.send("via localhost");
    expect((await client.next("message")).data).toBe("via localhost");
  } finally {
    await server.close();
  }
  expect(engine.uncaught()).toEqual([]);
});

test("a name the resolver cannot find fails with CONNECTION_FAILED naming the host", async () => {
  const client = await engine.open("ws://no-such-host.invalid:80/");
  await client.next("close");
  const [error] = client.all("error");
  expect(error.code).toBe("CONNECTION_FAILED");
  expect(error.message).toContain("no-such-host.invalid");
});

test("bufferedAmount is what the ECMA-419 socket has not taken yet; onDrain when it empties", async () => {
  const server = await startWsServer();
  try {
    const client = await engine.open(server.url);
    await client.next("open");
    const payload = new Uint8Array(1024 * 1024).fill(0x5a);
    const { bufferedAmount } = await client.sendAndMeasure(payload);
    // One masked frame: 2 + 8 (64-bit length) + 4 (mask) header bytes; the socket took one writable count at once.
    expect(bufferedAmount).toBe(payload.length + 14 - LWIP_TCP_SND_BUF);
    await client.next("drain");
    expect((await client.state()).bufferedAmount).toBe(0);
    expect((await client.next("message")).data).toEqual(payload);
    const stats = engine.simulator().bridge.stats;
    expect(stats.wouldBlock).toBe(0);
    expect(stats.largestWrite).toBeLessThanOrEqual(LWIP_TCP_SND_BUF);
  } finally {
    await server.close();
  }
});

test("wss: with a secure factory, the device runtime hands it wss targets, built with the runtime's platform", async () => {
  const server = await startWsServer();
  try {
    // The factory here is plain TCP standing in for mbedTLS: this checks routing, not TLS.
    const client = await engine.open(`wss://127.0.0.1:${server.port}/`, {}, "secure-routed");
    expect(await client.next("secure-factory")).toEqual({ type: "secure-factory", host: "127.0.0.1", port: server.port, secure: true, samePlatform: true });
    await client.next("open");
    await client.send("routed");
    expect((await client.next("message")).data).toBe("routed");
  } finally {
    await server.close();
  }
});
