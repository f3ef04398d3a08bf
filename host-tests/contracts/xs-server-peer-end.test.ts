/**
 * The device server paths on the XS engine notice a client that ends TCP
 * without a close frame, by FIN alone or by closing its socket: close 1006,
 * and the slot (maxConnections 1) is free for the next client. Both the
 * standalone ECMA-419 listener (listen419.ts + tcp419.ts adopting the accepted socket) and the
 * Moddable HTTP hand-off (moddable-http.ts + LegacySocketChannel).
 */
import net from "node:net";
import path from "node:path";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";
import { SAMPLE_KEY } from "../support/server-peers";

interface DeviceEvent { type: string; code?: number; wasClean?: boolean }

const REQUEST = `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${SAMPLE_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

const SERVERS: [string, string, (sim: XsSimulator) => Promise<unknown>][] = [
  ["ECMA-419 listener", "../server/fixtures/xs-listen.ts", (sim) => sim.call("listen", [1, 0, 5000, null])],
  ["Moddable HTTP hand-off", "../server/fixtures/xs-http-upgrade.ts", (sim) => sim.call("serve", ["<p>page</p>", 1])],
];

function handshake(port: number): Promise<{ socket: net.Socket; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(REQUEST));
    socket.once("data", (d) => resolve({ socket, answer: d.toString("latin1") }));
    socket.once("error", reject);
  });
}

describe.each(SERVERS)("%s", (_name, fixture, start) => {
  let sim: XsSimulator;
  let log: EventLog<DeviceEvent>;
  let port: number;

  beforeEach(async () => {
    log = new EventLog<DeviceEvent>();
    sim = await XsSimulator.start(path.join(__dirname, fixture), { onHarnessEvent: (header) => log.push(header as unknown as DeviceEvent) });
    await start(sim);
    [port] = await sim.bridge.listeners.bound();
  });

  afterEach(async () => {
    const uncaught = [...sim.bridge.uncaught];
    await sim.stop();
    expect(uncaught).toEqual([]);
  });

  test.each([
    ["shuts down only its sending side (FIN)", (s: net.Socket) => s.end()],
    ["closes its socket", (s: net.Socket) => s.destroy()],
  ])("a client that %s without a close frame: close 1006, and the slot is free again", async (_how, hangUp) => {
    const first = await handshake(port);
    expect(first.answer).toMatch(/^HTTP\/1.1 101 /);
    first.socket.on("error", () => {});
    hangUp(first.socket);
    const closed = await log.waitFor((e) => e.type === "close", "close");
    expect([closed.code, closed.wasClean]).toEqual([1006, false]);
    const second = await handshake(port);
    expect(second.answer).toMatch(/^HTTP\/1.1 101 /);
    second.socket.destroy();
  }, 30000);
});
