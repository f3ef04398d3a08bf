/**
 * The server role notices a client that ends TCP without a close frame,
 * whether it closes its socket or only shuts down its sending side (FIN):
 * the connection closes with 1006 and its slot (maxConnections) is free
 * again. Through http.Server's `upgrade` event (whose sockets allow half-open
 * connections) and the standalone createServer, with raw node:net clients.
 */
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import type { ServerSocket } from "../../modules/api/server-socket";
import { createServer, upgrade, type Accept, type UpgradeOptions } from "../../node/server";
import { fibjsUpgrade } from "../../node/fibjs-upgrade";
import { frame, parseFrames } from "../support/frames";
import { SAMPLE_KEY } from "../support/server-peers";

const REQUEST = `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${SAMPLE_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

interface Closed { code: number; wasClean: boolean }

type Entry = "upgrade" | "fibjs upgrade" | "createServer";

async function serve(entry: Entry, accept: Accept, options: UpgradeOptions) {
  let server: net.Server;
  if (entry === "createServer") {
    server = createServer(accept, options);
  } else {
    const web = http.createServer((_req, res) => res.end("page"));
    web.on("upgrade", entry === "upgrade" ? upgrade(accept, options) : fibjsUpgrade((conn) => accept(conn as unknown as ServerSocket, conn.request!), options));
    server = web;
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((r) => {
      (server as http.Server).closeAllConnections?.();
      server.close(() => r());
    }),
  };
}

/** A raw client that completes the handshake and returns its socket and the first answer. */
function handshake(port: number): Promise<{ socket: net.Socket; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(REQUEST));
    socket.once("data", (d) => resolve({ socket, answer: d.toString("latin1") }));
    socket.once("error", reject);
  });
}

describe.each<Entry>(["upgrade", "fibjs upgrade", "createServer"])("%s", (entry) => {
  test.each([
    ["shuts down only its sending side (FIN, still reading)", (s: net.Socket) => s.end()],
    ["closes its socket", (s: net.Socket) => s.destroy()],
  ])("a client that %s without a close frame: close 1006, and the slot is free for the next client", async (_how, hangUp) => {
    const closed: Closed[] = [];
    let closedNow: (c: Closed) => void = () => {};
    const srv = await serve(entry, (socket) => {
      socket.onclose = (e) => { closed.push({ code: e.code, wasClean: e.wasClean }); closedNow(closed[closed.length - 1]); };
    }, { maxConnections: 1 });
    const first = await handshake(srv.port);
    expect(first.answer).toMatch(/^HTTP\/1.1 101 /);
    first.socket.on("error", () => {});
    const seen = new Promise<Closed>((r) => { closedNow = r; });
    const ended = new Promise<void>((r) => first.socket.once("close", () => r()));
    hangUp(first.socket);
    expect(await seen).toEqual({ code: 1006, wasClean: false });
    await ended; // the server closed its side too
    const second = await handshake(srv.port);
    expect(second.answer).toMatch(/^HTTP\/1.1 101 /);
    second.socket.destroy();
    await srv.close();
  });

  test("a client that sends its close frame and its FIN at once still gets the server's close frame: a clean close", async () => {
    let closedNow: (c: Closed) => void = () => {};
    const seen = new Promise<Closed>((r) => { closedNow = r; });
    const srv = await serve(entry, (socket) => { socket.onclose = (e) => closedNow({ code: e.code, wasClean: e.wasClean }); }, {});
    const { socket, answer } = await handshake(srv.port);
    expect(answer).toMatch(/^HTTP\/1.1 101 /);
    const got: Buffer[] = [];
    socket.on("data", (d) => got.push(d));
    const ended = new Promise<void>((r) => socket.once("close", () => r()));
    const body = Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]); // 1000 "bye"
    socket.end(Buffer.from(frame(8, body, { mask: new Uint8Array([1, 2, 3, 4]) })));
    expect(await seen).toEqual({ code: 1000, wasClean: true });
    await ended;
    const frames = parseFrames(Buffer.concat(got)).frames;
    expect(frames.map((f) => [f.opcode, f.payload.readUInt16BE(0)])).toEqual([[8, 1000]]);
    await srv.close();
  });
});
