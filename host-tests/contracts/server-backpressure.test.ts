/**
 * Backpressure in the server role: a client that keeps sending but stops
 * reading our replies is itself no longer read once our queue to it is over
 * the transport's high-water mark, so the server's bufferedAmount stays
 * bounded; when the client reads again, every reply arrives, in order.
 * The `ws` client (its socket paused: it stops reading) against createServer
 * and upgrade() on Node, and against the device listener on the XS engine.
 */
import * as http from "node:http";
import type * as net from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import WsClient from "ws";
import { createServer, upgrade, type Accept } from "../../node/server";
import { XsSimulator } from "../../simulator/simulator";

const MESSAGE = 16 * 1024;
const COUNT = 1500; // 24 MiB each way

/** A ws client that stops reading, queues COUNT messages, and counts the echoes once it reads again. */
async function stalledClient(url: string) {
  const c = new WsClient(url, { perMessageDeflate: false });
  await new Promise<void>((r, j) => { c.once("open", () => r()); c.once("error", j); });
  const socket = (c as unknown as { _socket: net.Socket })._socket;
  socket.pause(); // the client stops reading
  let echoed = 0;
  let inOrder = true;
  c.on("message", (data: Buffer) => {
    if (data.readUInt32BE(0) !== echoed) inOrder = false;
    echoed++;
  });
  const payload = Buffer.alloc(MESSAGE, 0x61);
  for (let i = 0; i < COUNT; i++) {
    const m = Buffer.from(payload);
    m.writeUInt32BE(i, 0);
    c.send(m, { binary: true });
  }
  return {
    resume: () => socket.resume(),
    allEchoed: () => new Promise<boolean>((resolve) => {
      const check = (): void => { if (echoed === COUNT) resolve(inOrder); else setTimeout(check, 20); };
      check();
    }),
    close: () => new Promise<void>((r) => { c.once("close", () => r()); c.close(); }),
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(["createServer", "upgrade()"])("%s", (entry) => {
  test("a client that stops reading its echoes: the server's queue stays bounded, and nothing is lost", async () => {
    let most = 0;
    let received = 0;
    const echo: Accept = (socket) => {
      socket.binaryType = "arraybuffer";
      socket.onmessage = (e) => {
        received++;
        socket.send(e.data);
        most = Math.max(most, socket.bufferedAmount);
      };
    };
    let server: net.Server;
    if (entry === "createServer") server = createServer(echo);
    else {
      const web = http.createServer((_req, res) => res.end("page"));
      web.on("upgrade", upgrade(echo));
      server = web;
    }
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const client = await stalledClient(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await settle(1500);
    // The server stopped reading: not every message got in, and what waits for the client is bounded.
    expect(received).toBeLessThan(COUNT);
    expect(most).toBeLessThan(1024 * 1024);
    client.resume();
    expect(await client.allEchoed()).toBe(true);
    expect(received).toBe(COUNT);
    expect(most).toBeLessThan(1024 * 1024);
    await client.close();
    (server as http.Server).closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  }, 60000);
});

test("the device listener on XS: the same client, the same bound on what the device queues", async () => {
  const sim = await XsSimulator.start(path.join(__dirname, "fixtures/xs-echo-buffered.ts"));
  try {
    await sim.call("listen", []);
    const [port] = await sim.bridge.listeners.bound();
    const client = await stalledClient(`ws://127.0.0.1:${port}/`);
    await settle(1500);
    const stalled = (await sim.call("stats")).result as { received: number; most: number };
    expect(stalled.received).toBeLessThan(COUNT);
    // The device's high-water mark is 16 KiB (the byte pipe's default, 4 KiB before); the echoes of one read (what
    // the simulator received since the last one: tens of KiB under this load) may go over it.
    const bound = 16 * 1024 + 64 * 1024;
    expect(stalled.most).toBeLessThan(bound);
    client.resume();
    expect(await client.allEchoed()).toBe(true);
    const done = (await sim.call("stats")).result as { received: number; most: number };
    expect(done.received).toBe(COUNT);
    expect(done.most).toBeLessThan(bound);
    await client.close();
    expect(sim.bridge.uncaught).toEqual([]);
  } finally {
    await sim.stop();
  }
}, 120000);
