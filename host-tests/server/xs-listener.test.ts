/**
 * The device's standalone server (ECMA-419 listener + accepted TCP sockets,
 * modules/device/listen419.ts) running on the XS engine in the simulator,
 * with real peers on 127.0.0.1: the `ws` client and raw sockets.
 */
import path from "node:path";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";
import { frame, parseFrames } from "../support/frames";
import { PYTHON_SIZES, runPythonClient } from "./python-client";
import { raw, wsClient } from "../support/server-peers";

interface DeviceEvent {
  type: string;
  id?: number;
  text?: string | null;
  bytes?: number;
  code?: number;
  reason?: string;
  wasClean?: boolean;
  path?: string;
}

const ENTRY = path.join(__dirname, "fixtures/xs-listen.ts");
let sim: XsSimulator;
let log: EventLog<DeviceEvent>;

async function start(maxConnections = 4, idleTimeout = 0, handshakeTimeout = 5000, maxMessageSize: number | null = null): Promise<number> {
  log = new EventLog<DeviceEvent>();
  sim = await XsSimulator.start(ENTRY, { onHarnessEvent: (header) => log.push(header as unknown as DeviceEvent) });
  await sim.call("listen", [maxConnections, idleTimeout, handshakeTimeout, maxMessageSize]);
  const [port] = await sim.bridge.listeners.bound();
  expect((await sim.call("port")).result).toBe(port);
  return port;
}

afterEach(async () => {
  const uncaught = [...sim.bridge.uncaught];
  await sim.stop();
  expect(uncaught).toEqual([]);
});


const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const request = (extra = "") =>
  `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

describe("standalone server on the ECMA-419 listener (XS simulator)", () => {
  test("the ws client gets text and binary echoed at every size class, then closes cleanly", async () => {
    const port = await start();
    const c = wsClient(`ws://127.0.0.1:${port}/ws?x=1`);
    await c.open;
    expect((await log.waitFor((e) => e.type === "accept", "accept")).path).toBe("/ws?x=1");
    for (const n of [0, 125, 126, 65535, 65536]) {
      const bytes = Buffer.alloc(n, n & 0xff);
      c.c.send(bytes);
      expect((await c.next() as Buffer).equals(bytes)).toBe(true);
      const text = "é".repeat(n >> 1);
      c.c.send(text);
      expect(await c.next()).toBe(text);
    }
    c.c.close(1000, "bye");
    expect(await c.closed).toEqual([1000, ""]);
    const closed = await log.waitFor((e) => e.type === "close", "close");
    expect([closed.code, closed.reason, closed.wasClean]).toEqual([1000, "bye", true]);
  }, 60000);

  test("the device closes: the client sees the device's code and reason", async () => {
    const port = await start();
    const c = wsClient(`ws://127.0.0.1:${port}/`);
    await c.open;
    c.c.send("server-close");
    expect(await c.closed).toEqual([4001, "closed by the device"]);
    expect((await log.waitFor((e) => e.type === "close", "close")).wasClean).toBe(true);
  }, 30000);

  test("the Python websockets client against the device server", async () => {
    const port = await start(4, 0, 5000, 2 << 20);
    const { steps, code, stderr } = await runPythonClient(`ws://127.0.0.1:${port}/py`, [String(1 << 20), "server-close"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(steps.filter((s) => s.step === "echo").map((s) => [s.size, s.binary, s.text])).toEqual(PYTHON_SIZES.map((n) => [n, true, true]));
    expect(steps.find((s) => s.step === "fragmented")?.echoed).toBe("fragmented \u00fc");
    expect(steps.find((s) => s.step === "fragmented-binary")?.echoed).toEqual([1, 2, 3]);
    expect(steps.find((s) => s.step === "pong")?.ok).toBe(true);
    expect(steps.find((s) => s.step === "client-close")).toMatchObject({ code: 1000 });
    expect(steps.find((s) => s.step === "server-close")).toMatchObject({ code: 4001, reason: "closed by the device" });
  }, 90000);

  test("device default limit: a message over 64 KiB closes with 1009", async () => {
    const port = await start();
    const c = wsClient(`ws://127.0.0.1:${port}/`);
    await c.open;
    c.c.send(Buffer.alloc(64 * 1024 + 1));
    expect((await c.closed)[0]).toBe(1009);
    expect((await log.waitFor((e) => e.type === "close", "close")).code).toBe(1009);
  }, 30000);

  test("a bad handshake gets 400 and an unmasked frame 1002", async () => {
    const port = await start();
    const refused = (await raw(port, request().replace("Host: 127.0.0.1\r\n", ""))).toString("latin1");
    expect(refused).toMatch(/^HTTP\/1.1 400 .*missing Host/s);
    const answer = await raw(port, Buffer.concat([Buffer.from(request()), Buffer.from(frame(1, "not masked"))]));
    const text = answer.toString("latin1");
    expect(text.startsWith("HTTP/1.1 101 ")).toBe(true);
    const frames = parseFrames(answer.subarray(text.indexOf("\r\n\r\n") + 4)).frames;
    expect(frames.map((f) => [f.opcode, f.payload.readUInt16BE(0)])).toEqual([[8, 1002]]);
  }, 30000);

  test("past maxConnections the next client gets 503; the count drops when one closes", async () => {
    const port = await start(1);
    const first = wsClient(`ws://127.0.0.1:${port}/`);
    await first.open;
    expect((await raw(port, request())).toString("latin1")).toMatch(/^HTTP\/1.1 503 .*too many connections \(limit 1\)/s);
    first.c.close();
    await first.closed;
    await log.waitFor((e) => e.type === "close", "close");
    expect((await sim.call("connections")).result).toBe(0);
    const second = wsClient(`ws://127.0.0.1:${port}/`);
    await second.open;
    second.c.close();
    await second.closed;
  }, 30000);

  test("a client that sends nothing is closed with 1001 after idleTimeout; a slow handshake is dropped", async () => {
    const port = await start(4, 300, 300);
    const c = wsClient(`ws://127.0.0.1:${port}/`);
    await c.open;
    expect(await c.closed).toEqual([1001, "idle timeout"]);
    expect((await raw(port, "GET / HTTP/1.1\r\nHost: x\r\n")).length).toBe(0);
  }, 30000);
});
