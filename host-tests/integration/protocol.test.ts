import type { IncomingMessage } from "node:http";
import { startRawServer, startWsServer, closedPort } from "../support/servers";
import { session } from "../support/browser-client";
import { acceptOf } from "../support/open-core";
import { Client, WebSocket, WebSocketError, nodeRuntime } from "../../node/index";

describe("fragmentation", () => {
  test("server sends a message in fragments with a ping between", async () => {
    const server = await startWsServer({}, (peer) => {
      peer.send("frag", { fin: false });
      peer.ping("between");
      peer.send("mented ", { fin: false });
      peer.send("message", { fin: true });
    });
    const s = session(server.url);
    expect(await s.next()).toBe("fragmented message");
    s.ws.close();
    await s.closed;
    await server.close();
  });

  test("client sends a message in fragments with sendFrame and the server gets it whole", async () => {
    let resolveGot: (v: [string, boolean]) => void = () => {};
    const got = new Promise<[string, boolean]>((resolve) => { resolveGot = resolve; });
    const server = await startWsServer({}, (peer) => peer.on("message", (d, bin) => resolveGot([d.toString(), bin])));
    const c = await new Promise<Client>((resolve) => {
      const client: Client = new Client(nodeRuntime, server.url, {}, { onOpen: () => resolve(client) });
    });
    c.sendFrame(false, 1, "Hel");
    c.sendFrame(true, 9, "ping inside");
    c.sendFrame(false, 0, "lo, ");
    c.sendFrame(true, 0, "wörld");
    expect(await got).toEqual(["Hello, wörld", false]);
    c.close();
    await server.close();
  });
});

describe("ping and pong", () => {
  test("server ping is answered with the same payload", async () => {
    let pong: Promise<string> | undefined;
    const server = await startWsServer({}, (peer) => {
      pong = new Promise((resolve) => peer.on("pong", (d) => resolve(d.toString())));
      peer.ping("are you there");
    });
    const s = session(server.url);
    await s.opened;
    while (!pong) await new Promise((r) => setTimeout(r, 5));
    expect(await pong).toBe("are you there");
    s.ws.close();
    await s.closed;
    await server.close();
  });

  test("our ping gets the server's pong", async () => {
    const server = await startWsServer();
    const payload = await new Promise<string>((resolve) => {
      const c = new Client(nodeRuntime, server.url, {}, {
        onOpen: () => c.ping("hi"),
        onPong: (p) => { resolve(Buffer.from(p).toString()); c.close(); },
      });
    });
    expect(payload).toBe("hi");
    await server.close();
  });
});

describe("closing", () => {
  test("client closes with a code and reason; the server sees them; clean", async () => {
    let seen: Promise<[number, string]> | undefined;
    const server = await startWsServer({}, (peer) => { seen = new Promise((r) => peer.on("close", (code, reason) => r([code, reason.toString()]))); });
    const s = session(server.url);
    await s.opened;
    s.ws.close(4321, "bye now ✓");
    const ev = await s.closed;
    expect([ev.code, ev.reason, ev.wasClean]).toEqual([4321, "bye now ✓", true]);
    expect(await seen).toEqual([4321, "bye now ✓"]);
    await server.close();
  });

  test("server closes with a code and reason; clean", async () => {
    const server = await startWsServer({}, (peer) => peer.close(4000, "server says bye"));
    const s = session(server.url);
    const ev = await s.closed;
    expect([ev.code, ev.reason, ev.wasClean]).toEqual([4000, "server says bye", true]);
    expect(s.errors).toHaveLength(0);
    await server.close();
  });

  test("server drops TCP without a close frame: 1006, not clean", async () => {
    const server = await startWsServer({}, (peer) => setTimeout(() => peer.terminate(), 20));
    const s = session(server.url);
    await s.opened;
    const ev = await s.closed;
    expect([ev.code, ev.wasClean]).toEqual([1006, false]);
    // WHATWG: a connection lost without being failed closes with no error event.
    expect(s.order).toEqual(["open", "close"]);
    expect(s.errors).toEqual([]);
    await server.close();
  });

  test("close() with an invalid code or long reason throws and nothing is sent", async () => {
    const server = await startWsServer();
    const s = session(server.url);
    await s.opened;
    expect(() => s.ws.close(1001)).toThrow(WebSocketError);
    expect(() => s.ws.close(1000, "x".repeat(124))).toThrow(/at most 123/);
    expect(s.ws.readyState).toBe(1);
    s.ws.send("still open");
    expect(await s.next()).toBe("still open");
    s.ws.close();
    await s.closed;
    await server.close();
  });

  test("close() while connecting aborts: error then close 1006", async () => {
    const server = await startRawServer(() => { /* never answers */ });
    const s = session(server.url);
    s.ws.close();
    const ev = await s.closed;
    expect(s.order).toEqual(["error", "close"]);
    expect(s.errors[0].error.code).toBe("ABORTED");
    expect([ev.code, ev.wasClean]).toEqual([1006, false]);
    await server.close();
  });

  test("send after close is not sent and is counted in bufferedAmount", async () => {
    const server = await startWsServer();
    const s = session(server.url);
    await s.opened;
    s.ws.close();
    s.ws.send("12345");
    expect(s.ws.bufferedAmount).toBeGreaterThanOrEqual(5);
    await s.closed;
    expect(s.messages).toHaveLength(0);
    await server.close();
  });
});

describe("a server that breaks the protocol", () => {
  test("invalid UTF-8 from the server: error INVALID_UTF8, close 1007 on the wire", async () => {
    let serverSaw: Promise<number> | undefined;
    const server = await startWsServer({}, (peer) => {
      serverSaw = new Promise((r) => peer.on("close", (code) => r(code)));
      // ws sends whatever bytes we give it as text when binary:false.
      peer.send(Buffer.from([0xce, 0xba, 0xff]), { binary: false });
    });
    const s = session(server.url);
    const ev = await s.closed;
    expect(s.errors.map((e) => e.error.code)).toEqual(["INVALID_UTF8"]);
    expect([ev.code, ev.wasClean]).toEqual([1006, false]); // WHATWG: the page sees 1006 for a failed connection
    expect(s.errors[0].error.closeCode).toBe(1007);
    expect(await serverSaw).toBe(1007);
    await server.close();
  });

  test("a message over maxMessageSize: MESSAGE_TOO_BIG, close 1009 on the wire", async () => {
    let serverSaw: Promise<number> | undefined;
    const server = await startWsServer({}, (peer) => {
      serverSaw = new Promise((r) => peer.on("close", (code) => r(code)));
      peer.send(Buffer.alloc(2000));
    });
    const s = session(server.url, undefined, { maxMessageSize: 1000 });
    const ev = await s.closed;
    expect(s.errors.map((e) => e.error.code)).toEqual(["MESSAGE_TOO_BIG"]);
    expect(ev.code).toBe(1006); // WHATWG: the page sees 1006 for a failed connection
    expect(s.errors[0].error.closeCode).toBe(1009);
    expect(await serverSaw).toBe(1009);
    await server.close();
  });
});

describe("subprotocols and headers", () => {
  test("subprotocol accepted", async () => {
    const server = await startWsServer({ handleProtocols: (set) => (set.has("b") ? "b" : false) });
    const s = session(server.url, ["a", "b"]);
    await s.opened;
    expect(s.ws.protocol).toBe("b");
    s.ws.close();
    await s.closed;
    await server.close();
  });

  test("subprotocol refused: the server picks none, the connection fails (WHATWG)", async () => {
    const server = await startWsServer({ handleProtocols: () => false });
    const s = session(server.url, "chat");
    const ev = await s.closed;
    expect([ev.code, ev.wasClean]).toEqual([1006, false]);
    expect(s.order).toEqual(["error", "close"]);
    expect(s.errors[0].error.code).toBe("HANDSHAKE_FAILED");
    expect(s.ws.protocol).toBe("");
    await server.close();
  });

  test("subprotocol not offered: no header is sent", async () => {
    let header: string | undefined = "unset";
    const server = await startWsServer({}, (_peer, req: IncomingMessage) => { header = req.headers["sec-websocket-protocol"]; });
    const s = session(server.url);
    await s.opened;
    expect(header).toBeUndefined();
    s.ws.close();
    await s.closed;
    await server.close();
  });

  test("extra headers reach the server", async () => {
    let req: IncomingMessage | undefined;
    const server = await startWsServer({}, (_peer, r) => { req = r; });
    const s = session(server.url, undefined, { headers: { Authorization: "Bearer abc", "X-Device": "esp32" } });
    await s.opened;
    expect(req?.headers.authorization).toBe("Bearer abc");
    expect(req?.headers["x-device"]).toBe("esp32");
    s.ws.close();
    await s.closed;
    await server.close();
  });

  test("bad URL or protocol list throws at construction", () => {
    expect(() => new WebSocket("ftp://127.0.0.1/")).toThrow(expect.objectContaining({ code: "INVALID_URL" }));
    expect(() => new WebSocket("ws://127.0.0.1:1/", ["a", "a"])).toThrow(expect.objectContaining({ code: "INVALID_PROTOCOL" }));
  });

  test("send while connecting throws INVALID_STATE", async () => {
    const server = await startWsServer();
    const s = session(server.url);
    expect(() => s.ws.send("too early")).toThrow(expect.objectContaining({ code: "INVALID_STATE" }));
    await s.opened;
    s.ws.close();
    await s.closed;
    await server.close();
  });

  test("binaryType blob is refused clearly", async () => {
    const server = await startWsServer();
    const s = session(server.url);
    expect(() => { s.ws.binaryType = "blob" as "arraybuffer"; }).toThrow(/devices have no Blob/);
    expect(s.ws.binaryType).toBe("arraybuffer");
    await s.opened;
    s.ws.close();
    await s.closed;
    await server.close();
  });
});

describe("failed handshakes and connections", () => {
  async function failWith(respond: (sock: import("node:net").Socket, req: string) => void) {
    const server = await startRawServer(respond);
    const s = session(server.url);
    const ev = await s.closed;
    await server.close();
    expect(s.order).toEqual(["error", "close"]);
    expect([ev.code, ev.wasClean]).toEqual([1006, false]);
    return s.errors[0].error;
  }
  const keyOf = (req: string) => /Sec-WebSocket-Key: (\S+)/.exec(req)![1];

  test("404", async () => {
    const err = await failWith((sock) => sock.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    expect([err.code, err.status]).toEqual(["HANDSHAKE_FAILED", 404]);
    expect(err.message).toMatch(/404 "Not Found"/);
  });

  test("wrong accept value", async () => {
    const err = await failWith((sock) => sock.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCBvbmU=\r\n\r\n"));
    expect(err.code).toBe("HANDSHAKE_FAILED");
    expect(err.message).toMatch(/does not match the key/);
  });

  test("missing Upgrade header", async () => {
    const err = await failWith((sock, req) => sock.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptOf(keyOf(req))}\r\n\r\n`));
    expect(err.message).toMatch(/Upgrade: websocket/);
  });

  test("server closes during the handshake", async () => {
    const err = await failWith((sock) => sock.end());
    expect(err.code).toBe("CONNECTION_FAILED");
    expect(err.message).toMatch(/closed before the opening handshake completed/);
  });

  test("connection refused gives error then close 1006", async () => {
    const port = await closedPort();
    const s = session(`ws://127.0.0.1:${port}/`);
    const ev = await s.closed;
    expect(s.order).toEqual(["error", "close"]);
    expect(s.errors[0].error.code).toBe("CONNECTION_FAILED");
    expect(s.errors[0].error.message).toMatch(/connection refused/);
    expect([ev.code, ev.wasClean]).toEqual([1006, false]);
  });

  test("a server that never answers the handshake hits the connect timeout", async () => {
    const server = await startRawServer(() => { /* silent */ });
    const s = session(server.url, undefined, { connectTimeout: 200 });
    const ev = await s.closed;
    expect(s.errors[0].error.code).toBe("CONNECT_TIMEOUT");
    expect(ev.code).toBe(1006);
    await server.close();
  });
});
