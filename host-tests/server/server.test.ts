import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createServer, upgrade, type Accept, type UpgradeOptions } from "../../node/server";
import { WebSocket } from "../../node/index";
import type { ServerSocket } from "../../modules/api/server-socket";
import { frame, parseFrames } from "../support/frames";
import { session } from "../support/browser-client";
import { raw, wsClient } from "../support/server-peers";

const echo: Accept = (socket) => {
  socket.binaryType = "arraybuffer";
  socket.onmessage = (e) => socket.send(e.data);
};

async function httpServer(accept: Accept = echo, options: UpgradeOptions = {}) {
  const server = http.createServer((_req, res) => { res.end("a page"); });
  server.on("upgrade", upgrade(accept, options));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { port, url: `ws://127.0.0.1:${port}/ws`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}


const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const goodRequest = (extra = "", first = "GET /ws HTTP/1.1") =>
  `${first}\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

describe("server role through http.Server upgrade (seed 004 ws.upgrade)", () => {
  test.each([0, 125, 126, 65535, 65536, 1024 * 1024])("the ws client gets binary and text echoed at %i bytes", async (n) => {
    const srv = await httpServer();
    const c = wsClient(srv.url);
    await c.open;
    const data = Buffer.alloc(n, 0x5a);
    c.c.send(data);
    expect((await c.next() as Buffer).equals(data)).toBe(true);
    const text = "ü".repeat(n >> 1);
    c.c.send(text);
    expect(await c.next()).toBe(text);
    c.c.close(1000, "done");
    // The close is echoed with its code (RFC 6455 5.5.1); the reason is not repeated.
    expect(await c.closed).toEqual([1000, ""]);
    await srv.close();
  });

  test("our own client against our server: subprotocol by policy, request visible, close from the server", async () => {
    let seen: ServerSocket | undefined;
    const srv = await httpServer((socket) => {
      seen = socket;
      socket.onmessage = (e) => { if (e.data === "bye") socket.close(4000, "server closing"); else socket.send(`echo:${e.data}`); };
    }, { policy: { selectProtocol: (offered) => (offered.includes("v2") ? "v2" : "") } });
    const s = session(srv.url + "?id=7", ["v1", "v2"], { headers: { "X-Device": "esp32" } });
    await s.opened;
    expect(s.ws.protocol).toBe("v2");
    expect(seen?.url).toBe("/ws?id=7");
    expect(seen?.request?.headers.get("x-device")).toBe("esp32");
    s.ws.send("hi");
    expect(await s.next()).toBe("echo:hi");
    s.ws.send("bye");
    const ev = await s.closed;
    expect([ev.code, ev.reason, ev.wasClean]).toEqual([4000, "server closing", true]);
    await srv.close();
  });

  test("fragmented messages and pings from the ws client", async () => {
    const srv = await httpServer();
    const c = wsClient(srv.url);
    await c.open;
    const pong = new Promise<string>((r) => c.c.once("pong", (d: Buffer) => r(d.toString())));
    c.c.ping("ping!");
    expect(await pong).toBe("ping!");
    c.c.send("frag", { fin: false });
    c.c.send("ment", { fin: false });
    c.c.send("ed", { fin: true });
    expect(await c.next()).toBe("fragmented");
    c.c.close();
    await c.closed;
    await srv.close();
  });

  test("the server pings: the data reaches a ws client, more than 125 bytes throws, a closed socket refuses", async () => {
    let seen: ServerSocket | undefined;
    const srv = await httpServer((socket) => { seen = socket; });
    const c = wsClient(srv.url);
    await c.open;
    const ping = new Promise<string>((r) => c.c.once("ping", (d: Buffer) => r(d.toString())));
    expect(seen!.ping("are you there")).toBe(true);
    expect(await ping).toBe("are you there");
    expect(() => seen!.ping("x".repeat(126))).toThrow(/at most 125/);
    c.c.close(1000);
    await c.closed;
    expect(seen!.ping()).toBe(false);
    await srv.close();
  });

  test("an unmasked frame from a client closes with 1002", async () => {
    const srv = await httpServer();
    const answer = await raw(srv.port, Buffer.concat([Buffer.from(goodRequest()), Buffer.from(frame(1, "not masked"))]));
    const text = answer.toString("latin1");
    expect(text.startsWith("HTTP/1.1 101 Switching Protocols")).toBe(true);
    const frames = parseFrames(answer.subarray(text.indexOf("\r\n\r\n") + 4)).frames;
    expect(frames.map((f) => [f.opcode, f.masked, f.payload.readUInt16BE(0)])).toEqual([[8, false, 1002]]);
    await srv.close();
  });

  test.each([
    ["missing Host", goodRequest().replace("Host: 127.0.0.1\r\n", ""), 400, /missing Host/],
    ["missing Upgrade", goodRequest().replace("Upgrade: websocket\r\n", ""), 400, null],
    ["Connection without upgrade", goodRequest().replace("Connection: Upgrade", "Connection: keep-alive"), 400, null],
    ["bad key", goodRequest().replace(KEY, "c2hvcnQ="), 400, /16 bytes/],
    ["version 8", goodRequest().replace("Version: 13", "Version: 8"), 426, /version 13/],
    ["POST", goodRequest("", "POST /ws HTTP/1.1"), 405, /not GET/],
  ])("standalone server refuses %s", async (_name, request, status, message) => {
    const server = createServer(() => { throw new Error("must not accept"); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const answer = (await raw((server.address() as AddressInfo).port, request)).toString("latin1");
    expect(answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    if (status === 426) expect(answer).toMatch(/\r\nSec-WebSocket-Version: 13\r\n/);
    if (message) expect(answer).toMatch(message);
    await new Promise<void>((r) => server.close(() => r()));
  });

  test("standalone server: a slow handshake is dropped after handshakeTimeout", async () => {
    const server = createServer(echo, { handshakeTimeout: 150 });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const answer = await raw((server.address() as AddressInfo).port, "GET /ws HTTP/1.1\r\nHost: x\r\n");
    expect(answer.length).toBe(0);
    await new Promise<void>((r) => server.close(() => r()));
  });

  test("standalone server echoes for our client", async () => {
    const server = createServer(echo);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const s = session(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await s.opened;
    s.ws.send(new Uint8Array([1, 2, 3]));
    expect(Array.from(new Uint8Array(await s.next() as ArrayBuffer))).toEqual([1, 2, 3]);
    s.ws.close();
    expect((await s.closed).wasClean).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
  });

  test("too many connections: the next one gets 503", async () => {
    const srv = await httpServer(echo, { maxConnections: 1 });
    const first = new WebSocket(srv.url);
    await new Promise((r) => { first.onopen = r; });
    const answer = (await raw(srv.port, goodRequest())).toString("latin1");
    expect(answer).toMatch(/^HTTP\/1.1 503 .*too many connections/s);
    first.close();
    await new Promise((r) => { first.onclose = r; });
    await srv.close();
  });
});
