/**
 * ReconnectingClient on both engines with real timers: the server goes away,
 * the client reconnects when it is back on the same port, and what was sent
 * meanwhile is delivered. On XS the retry timers are Moddable Timers and the
 * failed attempts are real refused connects through the ECMA-419 socket.
 */
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { engines, type Engine } from "../support/engines";

function echoServer(port: number): Promise<WebSocketServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false });
  server.on("connection", (peer) => peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary })));
  return new Promise((resolve, reject) => {
    server.once("listening", () => resolve(server));
    server.once("error", reject);
  });
}

function stop(server: WebSocketServer): Promise<void> {
  for (const peer of server.clients) peer.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe.each(engines)("on %s", (_name, makeEngine) => {
  let engine: Engine;
  let server: WebSocketServer | undefined;

  beforeAll(async () => {
    engine = makeEngine();
    await engine.start();
  });
  afterAll(() => engine.stop());
  afterEach(async () => {
    if (server) await stop(server);
    server = undefined;
    expect(engine.uncaught()).toEqual([]);
  });

  test("server stops, refuses for a while, restarts on the same port: reconnect and deliver the queued send", async () => {
    server = await echoServer(0);
    const port = (server.address() as AddressInfo).port;
    const client = await engine.open(`ws://127.0.0.1:${port}/`, { reconnect: { baseDelay: 50, maxDelay: 100 } }, "reconnecting");
    await client.next("open");
    await client.send("before");
    await client.log.waitFor((e) => e.type === "message" && e.data === "before", "echo before");

    await stop(server);
    server = undefined;
    await client.next("close");
    expect(client.all("close")[0]).toMatchObject({ code: 1006, wasClean: false });
    await client.send("while down"); // queued offline
    // Let several attempts be refused before the server comes back.
    await client.log.waitFor(() => client.all("reconnecting").length >= 3, "three reconnect attempts");

    server = await echoServer(port);
    await client.log.waitFor(() => client.all("open").length === 2, "open again");
    await client.log.waitFor((e) => e.type === "message" && e.data === "while down", "the queued send, echoed");
    expect(client.all("undelivered")).toEqual([]);
    expect(client.all("reconnecting").map((r) => r.attempt).slice(0, 3)).toEqual([1, 2, 3]);

    await client.close(1000, "done");
    const last = await client.log.waitFor((e) => e.type === "close" && e.code === 1000, "final close");
    expect(last).toEqual({ type: "close", code: 1000, reason: "done", wasClean: true });
    // Every attempt ended in a close event: the outage's were all 1006.
    expect(client.all("close").slice(0, -1).every((c) => c.code === 1006 && !c.wasClean)).toBe(true);
    expect((await client.state()).readyState).toBe(3);
  });
});
