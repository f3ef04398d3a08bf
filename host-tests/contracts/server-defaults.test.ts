/**
 * Server defaults are the client's on the same platform, and a message the
 * size limit admits passes in frames of 64 bytes or more: Autobahn 9.3/9.4
 * style sessions (4 MiB in 64-256 byte frames) under createServer's and
 * upgrade()'s defaults with the `ws` client, and the device-sized version
 * (64 KiB in 64-byte frames) under the device listener's defaults on XS,
 * where a message of a thousand small frames holds a few blocks, not a
 * thousand views.
 */
import * as http from "node:http";
import type * as net from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { DEFAULTS } from "../../modules/client/client";
import { DEVICE_SERVER_DEFAULTS, SERVER_DEFAULTS } from "../../modules/server/peer";
import { createServer, upgrade, type Accept } from "../../node/server";
import { frame, parseFrames } from "../support/frames";
import { raw, SAMPLE_KEY, wsClient } from "../support/server-peers";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";
import manifest from "../../manifest_namespaced.json";

const echo: Accept = (socket) => {
  socket.binaryType = "arraybuffer";
  socket.onmessage = (e) => socket.send(e.data);
};

test("each platform's server defaults are its client defaults, with maxFragments = maxMessageSize / 64", () => {
  expect([SERVER_DEFAULTS.maxMessageSize, SERVER_DEFAULTS.maxFragments]).toEqual([DEFAULTS.maxMessageSize, DEFAULTS.maxFragments]);
  const device = (manifest as { config: { websocket: { maxMessageSize: number; maxFragments: number } } }).config.websocket;
  expect([DEVICE_SERVER_DEFAULTS.maxMessageSize, DEVICE_SERVER_DEFAULTS.maxFragments]).toEqual([device.maxMessageSize, device.maxFragments]);
  for (const d of [SERVER_DEFAULTS, DEVICE_SERVER_DEFAULTS]) expect(d.maxFragments).toBe(d.maxMessageSize / 64);
});

describe.each(["createServer", "upgrade()"])("%s with default options", (entry) => {
  let server: net.Server;
  let port: number;
  beforeAll(async () => {
    if (entry === "createServer") {
      server = createServer(echo);
    } else {
      const web = http.createServer((_req, res) => res.end("page"));
      web.on("upgrade", upgrade(echo));
      server = web;
    }
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    (server as http.Server).closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test.each([
    ["9.3.1: 4 MiB of text in 64-byte frames", 64, false],
    ["9.3.2: 4 MiB of text in 256-byte frames", 256, false],
    ["9.4.1: 4 MiB of binary in 64-byte frames", 64, true],
    ["9.4.2: 4 MiB of binary in 256-byte frames", 256, true],
  ])("%s comes back whole", async (_case, size, binary) => {
    const c = wsClient(`ws://127.0.0.1:${port}/`);
    await c.open;
    const total = 4 * 1024 * 1024;
    const payload = Buffer.alloc(total, 0x2a);
    for (let at = 0; at < total; at += size) c.c.send(payload.subarray(at, at + size), { binary, fin: at + size >= total });
    const back = await c.next();
    expect(Buffer.isBuffer(back) ? back.equals(payload) : back === payload.toString("latin1")).toBe(true);
    c.c.close(1000);
    expect((await c.closed)[0]).toBe(1000);
  }, 60000);

  test("one fragment more than the default maxFragments closes with 1009", async () => {
    const mask = new Uint8Array([1, 2, 3, 4]);
    const frames: Uint8Array[] = [frame(2, "x", { fin: false, mask })];
    const more = frame(0, "x", { fin: false, mask });
    for (let i = 1; i < SERVER_DEFAULTS.maxFragments; i++) frames.push(more);
    frames.push(frame(0, "x", { mask }));
    const request = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${SAMPLE_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    const answer = await raw(port, Buffer.concat([Buffer.from(request), ...frames]));
    const after = parseFrames(answer.subarray(answer.indexOf("\r\n\r\n") + 4)).frames;
    expect(after.map((f) => [f.opcode, f.payload.readUInt16BE(0)])).toEqual([[8, 1009]]);
  }, 60000);
});

describe("the device listener (XS) with default limits", () => {
  let sim: XsSimulator;
  afterEach(async () => {
    const uncaught = [...sim.bridge.uncaught];
    await sim.stop();
    expect(uncaught).toEqual([]);
  });

  test("64 KiB in 64-byte frames comes back whole, and the frames held meanwhile cost a few blocks of heap, not a view each", async () => {
    const log = new EventLog<{ type: string }>();
    sim = await XsSimulator.start(path.join(__dirname, "../server/fixtures/xs-listen.ts"), { onHarnessEvent: (h) => log.push(h as { type: string }) });
    await sim.call("listen", [4, 0, 5000, null]);
    const [port] = await sim.bridge.listeners.bound();
    const c = wsClient(`ws://127.0.0.1:${port}/`);
    await c.open;
    const pong = () => new Promise<void>((r) => { c.c.once("pong", () => r()); c.c.ping(); });
    const total = DEVICE_SERVER_DEFAULTS.maxMessageSize;
    const payload = Buffer.alloc(total);
    for (let i = 0; i < total; i++) payload[i] = i & 0xff;
    c.c.send(payload.subarray(0, 64), { binary: true, fin: false });
    await pong(); // the pong follows the frames before it: they have been read
    const before = (await sim.heap()).currentHeapCount;
    const held = total / 64 - 2;
    for (let i = 1; i <= held; i++) c.c.send(payload.subarray(i * 64, i * 64 + 64), { binary: true, fin: false });
    await pong();
    const during = (await sim.heap()).currentHeapCount;
    // A view per frame alone would be 4 slots each (about 4000 here).
    expect(during - before).toBeLessThan(held / 2);
    c.c.send(payload.subarray((held + 1) * 64), { binary: true, fin: true });
    expect((await c.next() as Buffer).equals(payload)).toBe(true);
    c.c.close(1000);
    await c.closed;
  }, 60000);
});
