/**
 * examples/ws-server-page on a socket that behaves as Moddable's Linux simulator's (SDK 8.2.3), on the
 * XS engine, with real clients on 127.0.0.1 (issue 20 §3): `GET /` returns the whole page (sent in
 * fragments: lin's socket takes at most 1024 bytes per write), and "/ws" upgrades although lin keeps
 * the request's unread bytes only while the HTTP server's callback runs, which is when it detaches.
 */
import * as http from "node:http";
import net from "node:net";
import path from "node:path";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";
import { wsClient } from "../support/server-peers";
import { PAGE } from "../../examples/ws-server-page/page";

interface DeviceEvent { type: string; path?: string; code?: number; reason?: string; wasClean?: boolean }

const ENTRY = path.join(__dirname, "fixtures/lin-page.ts");
let sim: XsSimulator;
let log: EventLog<DeviceEvent>;

async function start(): Promise<number> {
  log = new EventLog<DeviceEvent>();
  sim = await XsSimulator.start(ENTRY, { onHarnessEvent: (header) => log.push(header as unknown as DeviceEvent) });
  await sim.call("serve");
  const [port] = await sim.bridge.listeners.bound();
  return port;
}

afterEach(async () => {
  const uncaught = [...sim.bridge.uncaught];
  await sim.stop();
  expect(uncaught).toEqual([]);
});

function get(port: number, target: string): Promise<{ status: number; length: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: target }, (res) => {
      const parts: Buffer[] = [];
      const done = () => resolve({ status: res.statusCode ?? 0, length: res.headers["content-length"], body: Buffer.concat(parts) });
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", done);
      res.on("close", done); // a connection closed after the head (0 body bytes) ends here
      res.on("error", () => undefined);
    }).on("error", reject);
  });
}

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const REQUEST = `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: ${"x".repeat(200)}\r\n\r\n`;

/** Send the request in pieces with pauses between, and return what came back before the server's 101 ended the head. */
function upgradeInPieces(port: number, pieces: string[], pauseMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    let got = "";
    s.on("data", (d) => {
      got += d.toString("latin1");
      if (got.includes("\r\n\r\n")) { s.destroy(); resolve(got); }
    });
    s.on("error", reject);
    s.on("close", () => resolve(got));
    let i = 0;
    const next = (): void => {
      if (i < pieces.length) s.write(pieces[i++]);
      if (i < pieces.length) setTimeout(next, pauseMs);
    };
    s.on("connect", next);
  });
}

describe("examples/ws-server-page on Moddable's lin socket semantics (XS simulator)", () => {
  test("GET / returns the whole page, sent in fragments of at most 1024 bytes", async () => {
    const port = await start();
    const page = Buffer.from(PAGE, "utf8");
    expect(page.length).toBeGreaterThan(1024); // a whole-body write would not fit lin's send buffer
    const res = await get(port, "/");
    expect(res.status).toBe(200);
    expect(res.length).toBe(String(page.length));
    expect(res.body.equals(page)).toBe(true);
    expect((await get(port, "/nothing")).status).toBe(404);
  }, 30000);

  test("/ws upgrades: the headers left in the socket when the HTTP server detaches are not lost", async () => {
    const port = await start();
    const c = wsClient(`ws://127.0.0.1:${port}/ws`);
    await c.open;
    expect((await log.waitFor((e) => e.type === "accept", "accept")).path).toBe("/ws");
    c.c.send("hello");
    expect(await c.next()).toBe("hello");
    // Larger than lin's 1024-byte callbacks and writes, both ways.
    const big = Buffer.alloc(64 * 1024 + 3, 7);
    c.c.send(big);
    expect((await c.next() as Buffer).equals(big)).toBe(true);
    c.c.send("server-close");
    expect(await c.closed).toEqual([4003, "device closes"]);
  }, 30000);

  test("/ws upgrades when the request arrives in pieces, across several socket callbacks", async () => {
    const port = await start();
    const cut = [REQUEST.slice(0, 20), REQUEST.slice(20, 90), REQUEST.slice(90)];
    const head = await upgradeInPieces(port, cut, 60);
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(head).toContain("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }, 30000);
});
