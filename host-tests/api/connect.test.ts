/** Seed 000's connect() module against real peers on 127.0.0.1. */
import { WebSocketError } from "../../modules/core/errors";
import {
  makeConnectModule, WS_CONNECTING, WS_CONNECTED, WS_DISCONNECTING, WS_DISCONNECT, WS_CONN_ERR, WS_SEND_DATA_ERR,
  WS_RECV_DATA_ERR, WS_STATE_NAMES, type WsClient, type WsCloseOption, type WsErrorOption, type WsMessage, type WsOpenOption,
} from "../../modules/api/connect";
import ws, { connect, websocket } from "../../node/seeds";
import { nodeRuntime } from "../../node/runtime";
import { frame } from "../support/frames";
import { closedPort, collect, startPeer, startRawPeer, until, type Peer } from "./servers";
import { runSeedExample } from "./fixtures/seed000-example";

interface Log {
  open: WsOpenOption[];
  close: WsCloseOption[];
  error: WsErrorOption[];
  message: WsMessage[];
  order: string[];
}

function record(client: WsClient): Log {
  const log: Log = { open: [], close: [], error: [], message: [], order: [] };
  client.on("open", (o) => { log.open.push(o); log.order.push(`open:${client.readyState}`); });
  client.on("message", (m) => { log.message.push(m); log.order.push("message"); });
  client.on("error", (e) => { log.error.push(e); log.order.push(`error:${e.name}`); });
  client.on("close", (c) => { log.close.push(c); log.order.push(`close:${client.readyState}`); });
  return log;
}

function opened(log: Log) { return until(() => log.open.length > 0 || log.close.length > 0); }
function closed(log: Log) { return until(() => log.close.length > 0); }

function thrown(fn: () => unknown): WebSocketError {
  try { fn(); } catch (e) { if (e instanceof WebSocketError) return e; throw e; }
  throw new Error("expected a WebSocketError");
}

let peer: Peer;
beforeEach(async () => { peer = await startPeer(); });
afterEach(async () => { await peer.close(); });

describe("the module object", () => {
  test("exports the seed's connection states by name and number", () => {
    expect([WS_CONNECTING, WS_CONNECTED, WS_DISCONNECTING, WS_DISCONNECT, WS_CONN_ERR, WS_SEND_DATA_ERR, WS_RECV_DATA_ERR]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(WS_STATE_NAMES).toEqual(["WS_CONNECTING", "WS_CONNECTED", "WS_DISCONNECTING", "WS_DISCONNECT", "WS_CONN_ERR", "WS_SEND_DATA_ERR", "WS_RECV_DATA_ERR"]);
    expect(ws.WS_CONN_ERR).toBe(4);
    expect(ws.WS_RECV_DATA_ERR).toBe(6);
  });

  test("the Node binding is the default export, with a detached connect", async () => {
    expect(ws).toBe(websocket);
    expect(typeof ws.connect).toBe("function");
    const client = connect(peer.url);
    const log = record(client);
    await opened(log);
    expect(client.readyState).toBe(1);
    client.close();
    await closed(log);
  });
});

describe("seed section 5 example", () => {
  test("runs as written against an echo server and prints the seed's flow", async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
    try {
      const client = runSeedExample(peer.url);
      let done = false;
      client.on("close", () => { done = true; });
      await until(() => done);
    } finally {
      spy.mockRestore();
    }
    // The flow without the timer's "send" lines: open, eleven echoes, close.
    const expected = ["ws open, wsClient.readyState =  1"];
    for (let n = 1; n <= 11; n++) {
      expected.push("ws message, wsClient.readyState =  1", "msg: hello ws.", `cnt =  ${n}`);
    }
    expected.push("close", "ws close, wsClient.readyState =  3");
    expect(lines.filter((l) => l !== "send")).toEqual(expected);
    // Each echo follows its own send, and sending stopped with the eleventh.
    const sends = lines.filter((l) => l === "send").length;
    expect(sends).toBe(11);
    let sent = 0, received = 0;
    for (const l of lines) {
      if (l === "send") sent++;
      if (l.startsWith("ws message")) { received++; expect(received).toBeLessThanOrEqual(sent); }
    }
    expect(lines.some((l) => l.startsWith("ws error"))).toBe(false);
  });
});

describe("connect(url, protocols, extra_header)", () => {
  test("offers a string protocol and reports the chosen one in the open option", async () => {
    await peer.close();
    peer = await startPeer({ protocols: (offered) => (offered.has("chat") ? "chat" : false) });
    const client = ws.connect(peer.url, "chat");
    const log = record(client);
    await opened(log);
    expect(log.open[0]).toMatchObject({ state: WS_CONNECTED, protocol: "chat" });
    expect(log.open[0].headers.get("upgrade")?.toLowerCase()).toBe("websocket");
    expect(client.protocol).toBe("chat");
    expect(peer.requests[0].headers["sec-websocket-protocol"]).toBe("chat");
    client.close();
    await closed(log);
  });

  test("offers an array of protocols; '' offers none and still sends extra headers", async () => {
    const a = ws.connect(peer.url, ["one", "two"]);
    const la = record(a);
    await opened(la);
    expect(peer.requests[0].headers["sec-websocket-protocol"]).toBe("one, two");
    const b = ws.connect(peer.url, "", { "X-Device": "esp32", Authorization: "Bearer t0k" });
    const lb = record(b);
    await opened(lb);
    expect(peer.requests[1].headers["sec-websocket-protocol"]).toBeUndefined();
    expect(peer.requests[1].headers["x-device"]).toBe("esp32");
    expect(peer.requests[1].headers["authorization"]).toBe("Bearer t0k");
    const c = ws.connect(peer.url, "", ["X-Line: one", "X-Other:two"]);
    const lc = record(c);
    await opened(lc);
    expect(peer.requests[2].headers["x-line"]).toBe("one");
    expect(peer.requests[2].headers["x-other"]).toBe("two");
    for (const client of [a, b, c]) client.close();
    await Promise.all([closed(la), closed(lb), closed(lc)]);
  });

  test("bad arguments throw INVALID_* errors that name the problem", () => {
    const e1 = thrown(() => ws.connect(42 as unknown as string));
    expect(e1.code).toBe("INVALID_ARGUMENT");
    expect(e1.message).toMatch(/url must be a string/);
    expect(thrown(() => ws.connect("http://127.0.0.1/")).code).toBe("INVALID_URL");
    const e2 = thrown(() => ws.connect(peer.url, 7 as unknown as string));
    expect(e2.code).toBe("INVALID_ARGUMENT");
    expect(e2.message).toMatch(/protocols must be/);
    expect(thrown(() => ws.connect(peer.url, ["ok", 3] as unknown as string[])).code).toBe("INVALID_ARGUMENT");
    expect(thrown(() => ws.connect(peer.url, "bad protocol")).code).toBe("INVALID_PROTOCOL");
    const e3 = thrown(() => ws.connect(peer.url, "", "X-A: b" as unknown as string[]));
    expect(e3.code).toBe("INVALID_ARGUMENT");
    expect(e3.message).toMatch(/extra_header/);
    const e4 = thrown(() => ws.connect(peer.url, "", { "Sec-WebSocket-Key": "x" }));
    expect(e4.code).toBe("INVALID_HEADER");
    expect(e4.message).toMatch(/Sec-WebSocket-Key/);
    expect(thrown(() => ws.connect(peer.url, "", ["no colon"])).code).toBe("INVALID_HEADER");
    expect(thrown(() => ws.connect(peer.url, "", undefined, 5 as unknown as object)).code).toBe("INVALID_ARGUMENT");
  });
});

describe("send, message and readyState", () => {
  test("readyState goes 0, 1, 2, 3 as the seed lists", async () => {
    const client = ws.connect(peer.url);
    const log = record(client);
    expect(client.readyState).toBe(0);
    await opened(log);
    expect(log.order[0]).toBe("open:1");
    client.close(1000, "bye");
    expect(client.readyState).toBe(2);
    await closed(log);
    expect(log.order).toEqual(["open:1", "close:3"]);
    expect(log.close[0]).toEqual({ state: WS_DISCONNECT, code: 1000, reason: "bye", wasClean: true });
  });

  test("text arrives as a string with its UTF-8 length; binary as an ArrayBuffer", async () => {
    const client = ws.connect(peer.url);
    const log = record(client);
    await opened(log);
    client.send("héllo ✓");
    client.send(new Uint8Array([1, 2, 3]).buffer);
    client.send(new Uint16Array([0x0102, 0x0304]).subarray(1));
    client.send(new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2));
    await until(() => log.message.length === 4);
    expect(log.message[0]).toEqual({ payload: "héllo ✓", payload_len: 10, is_final: true, is_fragment: false });
    expect(log.message[1].payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(log.message[1].payload as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(log.message[1]).toMatchObject({ payload_len: 3, is_final: true, is_fragment: false });
    expect(new Uint16Array(log.message[2].payload as ArrayBuffer)[0]).toBe(0x0304);
    expect([...new Uint8Array(log.message[3].payload as ArrayBuffer)]).toEqual([8, 7]);
    client.close();
    await closed(log);
    expect(log.close[0]).toMatchObject({ code: 1005, wasClean: true });
  });

  test("a fragmented message is delivered whole by default", async () => {
    await peer.close();
    peer = await startPeer({
      onConnection: (s) => {
        s.send("abc", { fin: false });
        s.send("def", { fin: false });
        s.send("ghi", { fin: true });
      },
    });
    const client = ws.connect(peer.url);
    const log = record(client);
    await until(() => log.message.length === 1);
    expect(log.message[0]).toEqual({ payload: "abcdefghi", payload_len: 9, is_final: true, is_fragment: false });
    client.close();
    await closed(log);
  });

  test("with { fragments: true } each part arrives as it comes, marked is_fragment, the last is_final", async () => {
    await peer.close();
    const big = new Uint8Array(300000).map((_, i) => i & 255);
    peer = await startPeer({
      onConnection: (s) => {
        s.send("part1-", { fin: false });
        s.send("part2-", { fin: false });
        s.send("end", { fin: true });
        s.send(big, { binary: true, fin: false });
        s.send(new Uint8Array([1, 2]), { binary: true, fin: true });
        s.send("single");
      },
    });
    const client = ws.connect(peer.url, "", undefined, { fragments: true });
    const log = record(client);
    await until(() => log.message.some((m) => m.payload === "single"));
    const text: WsMessage[] = [];
    const binary: WsMessage[] = [];
    let i = 0;
    for (; !log.message[i].is_final; i++) text.push(log.message[i]);
    text.push(log.message[i++]);
    for (; !log.message[i].is_final; i++) binary.push(log.message[i]);
    binary.push(log.message[i++]);
    expect(text.length).toBeGreaterThanOrEqual(3);
    expect(text.map((m) => m.payload).join("")).toBe("part1-part2-end");
    expect(text.every((m) => m.is_fragment && typeof m.payload === "string")).toBe(true);
    expect(binary.length).toBeGreaterThanOrEqual(2);
    expect(binary.every((m) => m.is_fragment && m.payload instanceof ArrayBuffer)).toBe(true);
    const joined = Buffer.concat(binary.map((m) => Buffer.from(m.payload as ArrayBuffer)));
    expect(joined.length).toBe(300002);
    expect(binary.reduce((n, m) => n + m.payload_len, 0)).toBe(300002);
    expect(joined.subarray(0, 300000).equals(Buffer.from(big))).toBe(true);
    expect(log.message[i]).toEqual({ payload: "single", payload_len: 6, is_final: true, is_fragment: false });
    client.close();
    await closed(log);
  });

  test("send before open throws INVALID_STATE; after close it returns false and emits WS_SEND_DATA_ERR", async () => {
    const client = ws.connect(peer.url);
    const log = record(client);
    const e = thrown(() => client.send("too early"));
    expect(e.code).toBe("INVALID_STATE");
    await opened(log);
    expect(thrown(() => client.send(12 as unknown as string)).code).toBe("INVALID_ARGUMENT");
    client.close();
    expect(client.send("late")).toBe(false);
    expect(log.error[0]).toMatchObject({ state: WS_SEND_DATA_ERR, name: "WS_SEND_DATA_ERR", code: "SEND_FAILED" });
    expect(log.error[0].message).toMatch(/closing connection: nothing was sent/);
    await closed(log);
    expect(client.send("later")).toBe(false);
    expect(log.error[1].message).toMatch(/closed connection/);
  });
});

describe("close(code, reason)", () => {
  test("sends the code and reason to the server", async () => {
    const client = ws.connect(peer.url);
    const log = record(client);
    const serverSide = await peer.nextSocket();
    const seen = new Promise<[number, string]>((resolve) => serverSide.on("close", (code, reason) => resolve([code, reason.toString()])));
    await opened(log);
    client.close(4001, "going to sleep");
    expect(await seen).toEqual([4001, "going to sleep"]);
    await closed(log);
    expect(log.close[0]).toEqual({ state: WS_DISCONNECT, code: 4001, reason: "going to sleep", wasClean: true });
  });

  test("a reason over 123 bytes throws and sends nothing; the connection stays usable", async () => {
    await peer.close();
    const raw = await startRawPeer(true);
    try {
      const client = ws.connect(raw.url);
      const log = record(client);
      const socket = await raw.nextSocket();
      const received = collect(socket);
      await opened(log);
      const e = thrown(() => client.close(1000, "é".repeat(62)));
      expect(e.code).toBe("INVALID_CLOSE_REASON");
      expect(e.message).toMatch(/124 bytes/);
      expect(thrown(() => client.close(1002)).code).toBe("INVALID_CLOSE_CODE");
      expect(thrown(() => client.close("1000" as unknown as number)).code).toBe("INVALID_ARGUMENT");
      expect(thrown(() => client.close(1000, 5 as unknown as string)).code).toBe("INVALID_ARGUMENT");
      expect(client.readyState).toBe(1);
      client.send("still here");
      await until(() => received.bytes().length >= 2 + 4 + 10);
      // Exactly one frame reached the server: the text message, no close frame.
      const bytes = received.bytes();
      expect(bytes[0]).toBe(0x81);
      expect(bytes.length).toBe(2 + 4 + 10);
      client.close(1000, "é".repeat(61));
      await until(() => received.bytes().length > 16);
      expect(received.bytes()[16]).toBe(0x88);
      socket.write(frame(8, new Uint8Array([0x03, 0xe8])));
      socket.end();
      await closed(log);
      expect(log.close[0]).toMatchObject({ code: 1000, wasClean: true });
    } finally {
      await raw.close();
    }
  });
});

describe("error events", () => {
  test("a refused connection is WS_CONN_ERR, then close 1006", async () => {
    const port = await closedPort();
    const client = ws.connect(`ws://127.0.0.1:${port}/`);
    const log = record(client);
    await closed(log);
    expect(log.error).toHaveLength(1);
    expect(log.error[0]).toMatchObject({ state: WS_CONN_ERR, name: "WS_CONN_ERR", code: "CONNECTION_FAILED" });
    expect(log.error[0].error).toBeInstanceOf(WebSocketError);
    expect(log.close[0]).toMatchObject({ state: WS_DISCONNECT, code: 1006, wasClean: false });
    expect(log.order).toEqual(["error:WS_CONN_ERR", "close:3"]);
  });

  test("a server that never answers the handshake times out as WS_CONN_ERR", async () => {
    const raw = await startRawPeer(false);
    try {
      const client = ws.connect(raw.url, "", undefined, { connectTimeout: 200 });
      const log = record(client);
      await closed(log);
      expect(log.error[0]).toMatchObject({ state: WS_CONN_ERR, code: "CONNECT_TIMEOUT" });
      expect(log.close[0].code).toBe(1006);
    } finally {
      await raw.close();
    }
  });

  test("a refused handshake (HTTP 403) is WS_CONN_ERR", async () => {
    await peer.close();
    peer = await startPeer();
    peer.server.options.verifyClient = (_info: unknown, cb: (ok: boolean, code?: number) => void) => cb(false, 403);
    const client = ws.connect(peer.url);
    const log = record(client);
    await closed(log);
    expect(log.error[0]).toMatchObject({ state: WS_CONN_ERR, code: "HANDSHAKE_FAILED" });
    expect(log.error[0].error.status).toBe(403);
  });

  test("a protocol violation by the server is WS_RECV_DATA_ERR with close 1002", async () => {
    await peer.close();
    const raw = await startRawPeer(true);
    try {
      const client = ws.connect(raw.url);
      const log = record(client);
      const socket = await raw.nextSocket();
      const received = collect(socket);
      await opened(log);
      socket.write(frame(1, "x", { rsv: 2 }));
      await until(() => log.error.length > 0);
      expect(log.error[0]).toMatchObject({ state: WS_RECV_DATA_ERR, name: "WS_RECV_DATA_ERR", code: "PROTOCOL_ERROR", closeCode: 1002 });
      await until(() => received.bytes().length >= 8);
      expect(received.bytes()[0]).toBe(0x88);
      socket.end();
      await closed(log);
      expect(log.close[0]).toMatchObject({ code: 1002, wasClean: false });
    } finally {
      await raw.close();
    }
  });

  test("the server vanishing is close 1006", async () => {
    const client = ws.connect(peer.url);
    const log = record(client);
    const serverSide = await peer.nextSocket();
    await opened(log);
    serverSide.terminate();
    await closed(log);
    expect(log.close[0]).toMatchObject({ code: 1006, wasClean: false });
  });
});

describe("on(event, fn)", () => {
  test("rejects unknown events and non-functions, and allows several listeners", async () => {
    const client = ws.connect(peer.url);
    const e = thrown(() => client.on("data" as "open", () => undefined));
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toMatch(/unknown event "data"/);
    expect(thrown(() => client.on("open", "nope" as unknown as () => void)).message).toMatch(/'open' listener must be a function/);
    const seen: string[] = [];
    expect(client.on("open", () => seen.push("a"))).toBe(client);
    client.on("open", () => seen.push("b"));
    const log = record(client);
    await opened(log);
    expect(seen).toEqual(["a", "b"]);
    client.close();
    await closed(log);
  });
});

describe("makeConnectModule(runtime, defaults)", () => {
  test("entry defaults apply, and the app's options win", async () => {
    await peer.close();
    peer = await startPeer({ onConnection: (s) => s.send("x".repeat(100)) });
    const mod = makeConnectModule(nodeRuntime, { maxMessageSize: 50 });
    const small = mod.connect(peer.url);
    const ls = record(small);
    await closed(ls);
    expect(ls.error[0]).toMatchObject({ state: WS_RECV_DATA_ERR, code: "MESSAGE_TOO_BIG", closeCode: 1009 });
    const roomy = mod.connect(peer.url, "", undefined, { maxMessageSize: 1000 });
    const lr = record(roomy);
    await until(() => lr.message.length > 0);
    expect(lr.message[0].payload_len).toBe(100);
    roomy.close();
    await closed(lr);
  });
});
