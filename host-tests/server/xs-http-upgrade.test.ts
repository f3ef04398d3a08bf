/**
 * Device code on the XS engine (simulator): one port serves a page and its
 * WebSocket. An HTTP server hands "/ws" over with detach() to seed 004's
 * upgrade handler (moddable-http.ts + LegacySocketChannel over Moddable's
 * callback socket). Peers: Node's http client, the ws client, raw sockets,
 * and chromium loading the page from the device.
 */
import * as http from "node:http";
import net from "node:net";
import path from "node:path";
import WsClient from "ws";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";
import { PAGE } from "./browser-page";
import { expectEchoExchange, pageResultInChromium } from "./chromium";

interface DeviceEvent { type: string; path?: string; origin?: string | null; code?: number; reason?: string; wasClean?: boolean }

const ENTRY = path.join(__dirname, "fixtures/xs-http-upgrade.ts");
let sim: XsSimulator;
let log: EventLog<DeviceEvent>;

async function start(maxConnections = 3): Promise<number> {
  log = new EventLog<DeviceEvent>();
  sim = await XsSimulator.start(ENTRY, { onHarnessEvent: (header) => log.push(header as unknown as DeviceEvent) });
  await sim.call("serve", [PAGE, maxConnections]);
  const [port] = await sim.bridge.listeners.bound();
  return port;
}

afterEach(async () => {
  const uncaught = [...sim.bridge.uncaught];
  await sim.stop();
  expect(uncaught).toEqual([]);
});

function get(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: target }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(bytes));
    const got: Buffer[] = [];
    s.on("data", (d) => got.push(d));
    s.on("error", () => {});
    s.on("close", () => resolve(Buffer.concat(got).toString("latin1")));
  });
}

const opened = (c: WsClient) => new Promise<void>((r, j) => { c.once("open", () => r()); c.once("error", j); });
const closed = (c: WsClient) => new Promise<[number, string]>((r) => c.once("close", (code: number, reason: Buffer) => r([code, reason.toString()])));
const next = (c: WsClient) => new Promise<Buffer | string>((r) => c.once("message", (d: Buffer, bin: boolean) => r(bin ? d : d.toString())));

describe("Moddable HTTP server hand-off (detach) on XS", () => {
  test("the same port serves the page and echoes over the WebSocket; each side can close", async () => {
    const port = await start();
    const page = await get(port, "/");
    expect(page).toEqual({ status: 200, body: PAGE });
    expect((await get(port, "/nothing")).status).toBe(404);

    const c = new WsClient(`ws://127.0.0.1:${port}/ws`, { headers: { Origin: "http://device.local" } });
    const done = closed(c);
    await opened(c);
    expect(await log.waitFor((e) => e.type === "accept", "accept")).toMatchObject({ path: "/ws", origin: "http://device.local" });
    for (const n of [0, 125, 126, 65536]) {
      const bytes = Buffer.alloc(n, 0xa5);
      const reply = next(c);
      c.send(bytes);
      expect((await reply as Buffer).equals(bytes)).toBe(true);
    }
    const text = next(c);
    c.send("hello device");
    expect(await text).toBe("echo:hello device");
    c.send("server-close");
    expect(await done).toEqual([4003, "device closes"]);

    const c2 = new WsClient(`ws://127.0.0.1:${port}/ws`);
    const done2 = closed(c2);
    await opened(c2);
    c2.close(1000, "client closes");
    expect((await done2)[0]).toBe(1000);
    await log.waitFor((e) => e.type === "close" && e.reason === "client closes", "client close");
  }, 60000);

  const base = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";

  test("handshake checks after the hand-off: missing key 400, version 426", async () => {
    const port = await start();
    expect(await raw(port, base + "Sec-WebSocket-Version: 13\r\n\r\n")).toMatch(/^HTTP\/1.1 400 .*Sec-WebSocket-Key/s);
    expect(await raw(port, base + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"))
      .toMatch(/^HTTP\/1.1 426 .*\r\nSec-WebSocket-Version: 13\r\n/s);
  }, 60000);

  test("past maxConnections the next upgrade gets 503", async () => {
    const port = await start(1);
    const first = new WsClient(`ws://127.0.0.1:${port}/ws`);
    await opened(first);
    expect(await raw(port, base + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
      .toMatch(/^HTTP\/1.1 503 .*too many connections/s);
    const done = closed(first);
    first.close();
    await done;
  }, 60000);

  test("chromium loads the page from the device and talks to it on the same port", async () => {
    const port = await start();
    expectEchoExchange(await pageResultInChromium(`http://127.0.0.1:${port}/`));
    expect(await log.waitFor((e) => e.type === "close", "close")).toMatchObject({ code: 1000, reason: "browser done", wasClean: true });
  }, 120000);
});
