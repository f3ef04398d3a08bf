/**
 * `server.connections` of the device's standalone server (listen419.ts) on the
 * XS engine, with real clients on 127.0.0.1: a connection stops counting as it
 * closes, so inside its own onclose it is no longer counted (issue 20 §4).
 */
import path from "node:path";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";
import { wsClient } from "../support/server-peers";

interface DeviceEvent { type: string; connections?: number; code?: number }

const ENTRY = path.join(__dirname, "fixtures/listen-count.ts");
let sim: XsSimulator;
let log: EventLog<DeviceEvent>;

async function start(maxConnections: number): Promise<number> {
  log = new EventLog<DeviceEvent>();
  sim = await XsSimulator.start(ENTRY, { onHarnessEvent: (header) => log.push(header as unknown as DeviceEvent) });
  await sim.call("listen", [maxConnections]);
  const [port] = await sim.bridge.listeners.bound();
  return port;
}

afterEach(async () => {
  const uncaught = [...sim.bridge.uncaught];
  await sim.stop();
  expect(uncaught).toEqual([]);
});

describe("server.connections inside onclose (standalone device server, XS simulator)", () => {
  test("the client closes: the closing connection is no longer counted in its onclose", async () => {
    const port = await start(4);
    const a = wsClient(`ws://127.0.0.1:${port}/`);
    await a.open;
    const b = wsClient(`ws://127.0.0.1:${port}/`);
    await b.open;
    await log.waitFor((e) => e.type === "accept" && e.connections === 2, "second accept");
    a.c.close(1000);
    await a.closed;
    expect((await log.waitFor((e) => e.type === "close", "close")).connections).toBe(1);
    b.c.close(1000);
    await b.closed;
    let closes = 0;
    expect((await log.waitFor((e) => e.type === "close" && ++closes === 2, "second close")).connections).toBe(0);
    expect((await sim.call("connections")).result).toBe(0);
  }, 30000);

  test("the device closes: not counted in its onclose", async () => {
    const port = await start(4);
    const a = wsClient(`ws://127.0.0.1:${port}/`);
    await a.open;
    a.c.send("server-close");
    expect(await a.closed).toEqual([4001, "device closes"]);
    const closed = await log.waitFor((e) => e.type === "close", "close");
    expect([closed.code, closed.connections]).toEqual([4001, 0]);
  }, 30000);

  test("the client's socket drops without a close frame: not counted in its onclose", async () => {
    const port = await start(4);
    const a = wsClient(`ws://127.0.0.1:${port}/`);
    await a.open;
    a.c.terminate();
    const closed = await log.waitFor((e) => e.type === "close", "close");
    expect([closed.code, closed.connections]).toEqual([1006, 0]);
  }, 30000);
});
