/**
 * Our own client (modules/client/client.ts over Node) against our own
 * server: both roles of the one core talking to each other. Echo at every
 * size class, a fragmented message, ping/pong, close from each side; and
 * the ws client seeing a close the server starts.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import WsClient from "ws";
import { Client, nodeRuntime } from "../../node/index";
import { upgrade, type Accept } from "../../node/server";

async function httpServer(accept: Accept) {
  const server = http.createServer((_req, res) => res.end());
  server.on("upgrade", upgrade(accept, { maxMessageSize: 4 << 20 }));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const echo: Accept = (socket) => {
  socket.binaryType = "arraybuffer";
  socket.onmessage = (e) => {
    if (e.data === "close please") socket.close(4004, "as asked");
    else socket.send(e.data);
  };
};

function ourClient(url: string) {
  const messages: (string | Uint8Array)[] = [];
  const waiters: ((m: string | Uint8Array) => void)[] = [];
  let onPong: (p: Uint8Array) => void = () => undefined;
  let open!: () => void;
  let close!: (c: [number, string, boolean]) => void;
  const opened = new Promise<void>((r) => { open = r; });
  const closed = new Promise<[number, string, boolean]>((r) => { close = r; });
  const client = new Client(nodeRuntime, url, { maxMessageSize: 4 << 20 }, {
    onOpen: () => open(),
    onMessage: (data) => { const w = waiters.shift(); if (w) w(data); else messages.push(data); },
    onPong: (payload) => onPong(payload),
    onClose: (code, reason, wasClean) => close([code, reason, wasClean]),
  });
  return {
    client, opened, closed,
    next: () => new Promise<string | Uint8Array>((r) => { const m = messages.shift(); if (m !== undefined) r(m); else waiters.push(r); }),
    pong: () => new Promise<Uint8Array>((r) => { onPong = r; }),
  };
}

test("our client: echo at every size class, ping/pong, close from the client", async () => {
  const srv = await httpServer(echo);
  const c = ourClient(srv.url);
  await c.opened;
  for (const n of [0, 1, 125, 126, 127, 65535, 65536, 1 << 20, 3 << 20]) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
    c.client.send(bytes);
    expect(Buffer.from(await c.next() as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
    const text = "ω".repeat(n >> 1);
    c.client.send(text);
    expect(await c.next()).toBe(text);
  }
  const pong = c.pong();
  c.client.ping("hello?");
  expect(Buffer.from(await pong).toString()).toBe("hello?");
  c.client.close(1000, "client done");
  expect(await c.closed).toEqual([1000, "", true]);
  await srv.close();
}, 60000);

test("our client sends a fragmented message frame by frame; the server assembles it", async () => {
  const srv = await httpServer(echo);
  const c = ourClient(srv.url);
  await c.opened;
  c.client.sendFrame(false, 1, "one ");
  c.client.sendFrame(false, 0, "two ");
  c.client.ping("between fragments");
  c.client.sendFrame(true, 0, "three");
  expect(await c.next()).toBe("one two three");
  c.client.close();
  expect((await c.closed)[2]).toBe(true);
  await srv.close();
});

test("the server closes: our client and the ws client both see its code and reason, cleanly", async () => {
  const srv = await httpServer(echo);
  const ours = ourClient(srv.url);
  await ours.opened;
  ours.client.send("close please");
  expect(await ours.closed).toEqual([4004, "as asked", true]);
  const theirs = new WsClient(srv.url);
  const closed = new Promise<[number, string]>((r) => theirs.once("close", (code: number, reason: Buffer) => r([code, reason.toString()])));
  await new Promise<void>((r, j) => { theirs.once("open", () => r()); theirs.once("error", j); });
  theirs.send("close please");
  expect(await closed).toEqual([4004, "as asked"]);
  await srv.close();
});
