/** Seed 004, fibjs' ws module (client side), against real peers on 127.0.0.1. */
import { WebSocketError } from "../../modules/core/errors";
import { makeFibjsModule, Socket, SocketMessageEvent } from "../../modules/api/fibjs";
import { Message } from "../../modules/api/fibjs-message";
import type { CloseEvent, ErrorEvent } from "../../modules/api/events";
import { fibjs as ws } from "../../node/seeds";
import { nodeRuntime } from "../../node/runtime";
import { fibjsUpgrade } from "../../node/fibjs-upgrade";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { closedPort, startPeer, until, type Peer } from "./servers";

function thrown(fn: () => unknown): WebSocketError {
  try { fn(); } catch (e) { if (e instanceof WebSocketError) return e; throw e; }
  throw new Error("expected a WebSocketError");
}

interface Log { open: number; messages: SocketMessageEvent[]; close: CloseEvent[]; error: ErrorEvent[] }

function watch(conn: Socket): Log {
  const log: Log = { open: 0, messages: [], close: [], error: [] };
  conn.on("open", () => { log.open++; });
  conn.on("message", (e: SocketMessageEvent) => { log.messages.push(e); });
  conn.on("close", (e: CloseEvent) => { log.close.push(e); });
  conn.on("error", (e: ErrorEvent) => { log.error.push(e); });
  return log;
}

let peer: Peer;
beforeEach(async () => { peer = await startPeer(); });
afterEach(async () => { await peer.close(); });

describe("the module object", () => {
  test("has Socket, Message, the documented constants and upgrade (the server side)", () => {
    expect([ws.CONTINUE, ws.TEXT, ws.BINARY, ws.CLOSE, ws.PING, ws.PONG]).toEqual([0, 1, 2, 8, 9, 10]);
    expect([ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(ws.Message).toBe(Message);
    expect([Message.TEXT, Message.BINARY]).toEqual([1, 2]);
    expect([Socket.CONNECTING, Socket.OPEN, Socket.CLOSING, Socket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(ws.upgrade).toBe(fibjsUpgrade);
  });
});

describe("ws.Socket", () => {
  test("the seed's onmessage property style: e.data is the text or an ArrayBuffer", async () => {
    const conn = new ws.Socket(peer.url);
    expect(conn).toBeInstanceOf(Socket);
    const data: Array<string | ArrayBuffer> = [];
    conn.onopen = () => { conn.send("hello"); conn.send(new Uint8Array([5, 6]).buffer); };
    conn.onmessage = (e) => { data.push(e.data); };
    await until(() => data.length === 2);
    expect(data[0]).toBe("hello");
    expect([...new Uint8Array(data[1] as ArrayBuffer)]).toEqual([5, 6]);
    conn.close();
  });

  test("the message event carries the ws.Message too", async () => {
    const conn = new ws.Socket(peer.url);
    const log = watch(conn);
    await until(() => log.open === 1);
    conn.send("héllo");
    conn.send(new Uint16Array([0x0201]));
    await until(() => log.messages.length === 2);
    const text = log.messages[0].message;
    expect(text.type).toBe(ws.TEXT);
    expect(text.data).toBe("héllo");
    expect(text.length).toBe(6);
    expect(text.masked).toBe(false); // server frames are not masked
    expect(Buffer.from(text.readAll() as ArrayBuffer).toString()).toBe("héllo");
    const bin = log.messages[1].message;
    expect(bin.type).toBe(ws.BINARY);
    expect(bin.length).toBe(2);
    expect([...new Uint8Array(bin.read(1) as ArrayBuffer)]).toEqual([1]);
    expect([...new Uint8Array(bin.read(5) as ArrayBuffer)]).toEqual([2]);
    expect(bin.read()).toBeNull();
    conn.close();
  });

  test("(url, protocol, origin) and (url, opts) as fibjs documents them", async () => {
    await peer.close();
    peer = await startPeer({ protocols: (offered) => (offered.has("chat") ? "chat" : false) });
    const a = new ws.Socket(peer.url, "chat", "http://device.local");
    const la = watch(a);
    await until(() => la.open === 1);
    expect(a.protocol).toBe("chat");
    expect(a.origin).toBe("http://device.local");
    expect(peer.requests[0].headers.origin).toBe("http://device.local");
    const b = new ws.Socket(peer.url, { protocol: "chat", origin: "http://b.local", headers: { "X-Token": "t" }, perMessageDeflate: false });
    const lb = watch(b);
    await until(() => lb.open === 1);
    expect(peer.requests[1].headers["sec-websocket-protocol"]).toBe("chat");
    expect(peer.requests[1].headers.origin).toBe("http://b.local");
    expect(peer.requests[1].headers["x-token"]).toBe("t");
    a.close();
    b.close();
    await until(() => la.close.length === 1 && lb.close.length === 1);
  });

  test("maxPayload limits what is accepted (close 1009)", async () => {
    await peer.close();
    peer = await startPeer({ onConnection: (s) => s.send("z".repeat(200)) });
    const conn = new ws.Socket(peer.url, { maxPayload: 100 });
    const log = watch(conn);
    await until(() => log.close.length === 1);
    expect(log.error[0].error.code).toBe("MESSAGE_TOO_BIG");
    expect(log.close[0].code).toBe(1009);
  });

  test("perMessageDeflate: true negotiates compression with a server that speaks it", async () => {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: { threshold: 0 } });
    server.on("connection", (p) => p.on("message", (d, bin) => p.send(d, { binary: bin })));
    await new Promise((r) => server.once("listening", r));
    const conn = new ws.Socket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, { perMessageDeflate: true });
    const log = watch(conn);
    await until(() => log.open === 1);
    expect(conn.extensions).toMatch(/^permessage-deflate/);
    conn.send("squeeze ".repeat(500));
    await until(() => log.messages.length === 1);
    expect(log.messages[0].data).toBe("squeeze ".repeat(500));
    conn.close();
    await until(() => log.close.length === 1);
    await new Promise((r) => server.close(r));
  });

  test("bad constructor arguments throw clear errors", () => {
    expect(thrown(() => new ws.Socket(1 as unknown as string)).message).toMatch(/url must be a string/);
    expect(thrown(() => new ws.Socket("ftp://x/")).code).toBe("INVALID_URL");
    expect(thrown(() => new ws.Socket(peer.url, 5 as unknown as string)).message).toMatch(/protocol string or an options object/);
    expect(thrown(() => new ws.Socket(peer.url, { perMessageDeflate: "yes" as unknown as boolean })).message).toMatch(/perMessageDeflate must be true or false/);
    expect(thrown(() => new ws.Socket(peer.url, { httpClient: {} } as object)).message).toMatch(/httpClient/);
    expect(thrown(() => new ws.Socket(peer.url, { maxPayload: -1 })).message).toMatch(/maxPayload/);
    expect(thrown(() => new ws.Socket(peer.url, { headers: "X: y" as unknown as Record<string, string> })).message).toMatch(/headers must be an object/);
    expect(thrown(() => new ws.Socket(peer.url, {}, "http://o")).message).toMatch(/origin goes inside the options/);
    expect(thrown(() => new ws.Socket(peer.url, "bad token")).code).toBe("INVALID_PROTOCOL");
    expect(thrown(() => new ws.Socket(peer.url, { origin: "a\r\nb" })).code).toBe("INVALID_HEADER");
  });

  test("readyState, send in the wrong state, and close codes", async () => {
    const conn = new ws.Socket(peer.url);
    const log = watch(conn);
    expect(conn.readyState).toBe(ws.CONNECTING);
    expect(thrown(() => conn.send("early")).code).toBe("INVALID_STATE");
    await until(() => log.open === 1);
    expect(conn.readyState).toBe(ws.OPEN);
    expect(thrown(() => conn.send(3 as unknown as string)).code).toBe("INVALID_ARGUMENT");
    expect(thrown(() => conn.close(1002)).code).toBe("INVALID_CLOSE_CODE");
    expect(thrown(() => conn.close(1000, "r".repeat(124))).code).toBe("INVALID_CLOSE_REASON");
    expect(thrown(() => conn.close("x" as unknown as number)).message).toMatch(/close code must be a number/);
    const seen = new Promise<number>((resolve) => peer.sockets[0].on("close", (code) => resolve(code)));
    conn.close(); // fibjs' default code is 1000
    expect(conn.readyState).toBe(ws.CLOSING);
    const e = thrown(() => conn.send("late"));
    expect(e.code).toBe("INVALID_STATE");
    expect(e.message).toMatch(/it is CLOSING/);
    expect(await seen).toBe(1000);
    await until(() => log.close.length === 1);
    expect(conn.readyState).toBe(ws.CLOSED);
    expect(log.close[0]).toMatchObject({ code: 1000, wasClean: true });
  });

  test("a refused connection fires error then close", async () => {
    const conn = new ws.Socket(`ws://127.0.0.1:${await closedPort()}/`);
    const order: string[] = [];
    conn.onerror = (e) => order.push(`error:${e.error.code}`);
    conn.onclose = (e) => order.push(`close:${e.code}`);
    await until(() => order.length === 2);
    expect(order).toEqual(["error:CONNECTION_FAILED", "close:1006"]);
  });

  test("on/once/off, with unknown events and non-functions refused", async () => {
    const conn = new ws.Socket(peer.url);
    const seen: string[] = [];
    const never = () => seen.push("removed");
    expect(conn.on("message", never)).toBe(conn);
    conn.off("message", never);
    conn.once("message", () => seen.push("once"));
    conn.on("message", () => seen.push("on"));
    conn.on("open", () => { conn.send("a"); conn.send("b"); });
    expect(thrown(() => conn.on("data" as "open", () => undefined)).message).toMatch(/unknown event "data"/);
    expect(thrown(() => conn.on("open", null as unknown as () => void)).message).toMatch(/"open" listener must be a function/);
    await until(() => seen.length === 3);
    expect(seen).toEqual(["once", "on", "on"]);
    conn.close();
  });
});

describe("ws.Message", () => {
  test("constructor defaults and checks", () => {
    const m = new ws.Message();
    expect([m.type, m.masked, m.compress, m.maxSize, m.length]).toEqual([ws.BINARY, true, false, 67108864, 0]);
    const t = new ws.Message(ws.TEXT, true, false, 16);
    expect([t.type, t.maxSize]).toEqual([1, 16]);
    expect(thrown(() => new ws.Message(3)).message).toMatch(/type must be one of 0 \(CONTINUE\).*, got 3/);
    expect(thrown(() => new ws.Message(1, "yes" as unknown as boolean)).message).toMatch(/masked must be true or false, got "yes"/);
    expect(thrown(() => new ws.Message(1, true, 1 as unknown as boolean)).message).toMatch(/compress must be true or false, got 1/);
    expect(thrown(() => new ws.Message(1, true, false, -1)).message).toMatch(/maxSize/);
    expect(thrown(() => { m.type = 11; }).code).toBe("INVALID_ARGUMENT");
  });

  test("write, read, readAll, data, clear and maxSize", () => {
    const m = new ws.Message(ws.TEXT, true, false, 8);
    m.write("abc");
    m.write(new Uint8Array([0x64, 0x65]));
    expect(m.length).toBe(5);
    expect(m.data).toBe("abcde");
    const e = thrown(() => m.write("wxyz"));
    expect(e.code).toBe("MESSAGE_TOO_BIG");
    expect(e.message).toMatch(/9 bytes; maxSize is 8/);
    expect(m.length).toBe(5);
    expect(Buffer.from(m.read(2) as ArrayBuffer).toString()).toBe("ab");
    expect(Buffer.from(m.readAll() as ArrayBuffer).toString()).toBe("cde");
    expect(m.readAll()).toBeNull();
    expect(thrown(() => m.read(-2)).code).toBe("INVALID_ARGUMENT");
    expect(thrown(() => m.write(7 as unknown as string)).code).toBe("INVALID_ARGUMENT");
    m.clear();
    expect(m.length).toBe(0);
    expect(m.data).toBe("");
    m.type = ws.BINARY;
    m.write(new Uint8Array([1, 2, 3]));
    expect([...new Uint8Array(m.data as ArrayBuffer)]).toEqual([1, 2, 3]);
    const bad = new ws.Message(ws.TEXT);
    bad.write(new Uint8Array([0xff]));
    expect(thrown(() => bad.data).code).toBe("INVALID_UTF8");
  });

  test("sendTo(socket) sends TEXT, BINARY, PING, PONG and CLOSE as their frames", async () => {
    const conn = new ws.Socket(peer.url);
    const log = watch(conn);
    const server = await peer.nextSocket();
    const pings: string[] = [];
    const pongs: string[] = [];
    server.on("ping", (d) => pings.push(d.toString()));
    server.on("pong", (d) => pongs.push(d.toString()));
    const serverClose = new Promise<[number, string]>((resolve) => server.on("close", (code, reason) => resolve([code, reason.toString()])));
    await until(() => log.open === 1);
    const text = new ws.Message(ws.TEXT);
    text.write("via sendTo");
    text.sendTo(conn);
    const bin = new ws.Message(ws.BINARY);
    bin.write(new Uint8Array([9, 9, 9]));
    conn.send(bin); // send(message) is sendTo
    const ping = new ws.Message(ws.PING);
    ping.write("ping!");
    ping.sendTo(conn);
    const pong = new ws.Message(ws.PONG);
    pong.write("pong!");
    pong.sendTo(conn);
    await until(() => log.messages.length === 2 && pings.length === 1 && pongs.length === 1);
    expect(log.messages[0].data).toBe("via sendTo");
    expect([...new Uint8Array(log.messages[1].data as ArrayBuffer)]).toEqual([9, 9, 9]);
    expect([pings[0], pongs[0]]).toEqual(["ping!", "pong!"]);
    const close = new ws.Message(ws.CLOSE);
    close.write(new Uint8Array([0x0f, 0xa0]));
    close.write("bye now");
    close.sendTo(conn);
    expect(await serverClose).toEqual([4000, "bye now"]);
    await until(() => log.close.length === 1);
    expect(log.close[0]).toMatchObject({ code: 4000, reason: "bye now", wasClean: true });
    expect(thrown(() => text.sendTo(conn)).code).toBe("INVALID_STATE");
  });

  test("sendTo refuses what a client may not send", async () => {
    const conn = new ws.Socket(peer.url);
    const log = watch(conn);
    const early = new ws.Message(ws.TEXT);
    expect(thrown(() => early.sendTo(conn)).code).toBe("INVALID_STATE");
    await until(() => log.open === 1);
    const unmasked = new ws.Message(ws.TEXT, false);
    expect(thrown(() => unmasked.sendTo(conn)).message).toMatch(/must mask every frame/);
    const compressed = new ws.Message(ws.TEXT, true, true);
    expect(thrown(() => compressed.sendTo(conn)).message).toMatch(/permessage-deflate/);
    expect(thrown(() => new ws.Message(ws.CONTINUE).sendTo(conn)).message).toMatch(/CONTINUE message cannot be sent/);
    const badText = new ws.Message(ws.TEXT);
    badText.write(new Uint8Array([0xc3]));
    expect(thrown(() => badText.sendTo(conn)).message).toMatch(/valid UTF-8/);
    const bigPing = new ws.Message(ws.PING);
    bigPing.write(new Uint8Array(126));
    expect(thrown(() => bigPing.sendTo(conn)).message).toMatch(/at most 125/);
    const badClose = new ws.Message(ws.CLOSE);
    badClose.write(new Uint8Array([3]));
    expect(thrown(() => badClose.sendTo(conn)).message).toMatch(/2-byte code/);
    const protocolClose = new ws.Message(ws.CLOSE);
    protocolClose.write(new Uint8Array([0x03, 0xea]));
    expect(thrown(() => protocolClose.sendTo(conn)).code).toBe("INVALID_CLOSE_CODE");
    expect(thrown(() => new ws.Message().sendTo({} as Socket)).message).toMatch(/needs a ws.Socket/);
    expect(conn.readyState).toBe(ws.OPEN);
    const empty = new ws.Message(ws.CLOSE);
    empty.sendTo(conn);
    await until(() => log.close.length === 1);
    expect(log.close[0].code).toBe(1005);
  });
});

describe("makeFibjsModule(runtime, defaults)", () => {
  test("entry defaults apply under the app's options", async () => {
    await peer.close();
    peer = await startPeer({ onConnection: (s) => s.send("q".repeat(30)) });
    const mod = makeFibjsModule(nodeRuntime, { maxMessageSize: 10 });
    const small = new mod.Socket(peer.url);
    const ls = watch(small);
    await until(() => ls.close.length === 1);
    expect(ls.close[0].code).toBe(1009);
    const roomy = new mod.Socket(peer.url, { maxPayload: 100 });
    const lr = watch(roomy);
    await until(() => lr.messages.length === 1);
    expect(lr.messages[0].data).toBe("q".repeat(30));
    roomy.close();
  });
});
