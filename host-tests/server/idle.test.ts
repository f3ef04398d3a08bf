/** idleTimeout on the host server: silence closes with 1001; traffic either way keeps it open. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import WsClient from "ws";
import { upgrade, type Accept, type UpgradeOptions } from "../../node/server";

async function httpServer(accept: Accept, options: UpgradeOptions) {
  const server = http.createServer((_req, res) => { res.end("a page"); });
  server.on("upgrade", upgrade(accept, options));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const closed = (c: WsClient) => new Promise<[number, string]>((r) => c.once("close", (code: number, reason: Buffer) => r([code, reason.toString()])));
const opened = (c: WsClient) => new Promise<void>((r, j) => { c.once("open", () => r()); c.once("error", j); });

describe("idle timeout", () => {
  test("a client that sends nothing is closed with 1001 \"idle timeout\", cleanly", async () => {
    let serverSide: [number, string, boolean] | undefined;
    const srv = await httpServer((socket) => {
      socket.onclose = (e) => { serverSide = [e.code, e.reason, e.wasClean]; };
    }, { idleTimeout: 200 });
    const c = new WsClient(srv.url);
    const done = closed(c);
    await opened(c);
    expect(await done).toEqual([1001, "idle timeout"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(serverSide).toEqual([1001, "idle timeout", true]);
    await srv.close();
  });

  test("messages from the client, and messages the server pushes, both count as traffic", async () => {
    const srv = await httpServer((socket) => {
      if (socket.url === "/push") {
        const timer = setInterval(() => socket.send("tick"), 30);
        socket.onclose = () => clearInterval(timer);
      }
    }, { idleTimeout: 400 });
    const talker = new WsClient(srv.url);
    const listener = new WsClient(srv.url + "push");
    const talkerClosed = closed(talker);
    const listenerClosed = closed(listener);
    await Promise.all([opened(talker), opened(listener)]);
    let ticks = 0;
    listener.on("message", () => ticks++);
    // Three idle periods of traffic: neither may be closed meanwhile.
    const talk = setInterval(() => talker.send("hello"), 30);
    await new Promise((r) => setTimeout(r, 1200));
    clearInterval(talk);
    expect([talker.readyState, listener.readyState]).toEqual([WsClient.OPEN, WsClient.OPEN]);
    expect(ticks).toBeGreaterThan(0);
    talker.close(1000);
    listener.close(1000);
    expect((await talkerClosed)[0]).toBe(1000);
    expect((await listenerClosed)[0]).toBe(1000);
    await srv.close();
  });

  test("idleTimeout 0 (the default) never closes", async () => {
    const srv = await httpServer(() => {}, {});
    const c = new WsClient(srv.url);
    const done = closed(c);
    await opened(c);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.readyState).toBe(WsClient.OPEN);
    c.close(1000);
    expect((await done)[0]).toBe(1000);
    await srv.close();
  });
});
