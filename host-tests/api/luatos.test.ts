/** Seed 001's LuatOS-style client against real peers on 127.0.0.1. */
import { createServer, type Socket } from "node:net";
import { WebSocketError } from "../../modules/core/errors";
import { LuatosWebSocket, makeLuatosModule, type LuatosMessage } from "../../modules/api/luatos";
import { luatos as websocket } from "../../node/seeds";
import { nodeRuntime } from "../../node/runtime";
import { requestKey, response101 } from "../support/open-core";
import { frame } from "../support/frames";
import { closedPort, startPeer, startRawPeer, until, type Peer } from "./servers";
import { makePki, type Pki } from "../certs/pki";
import { startWss } from "../certs/wss-server";

function thrown(fn: () => unknown): WebSocketError {
  try { fn(); } catch (e) { if (e instanceof WebSocketError) return e; throw e; }
  throw new Error("expected a WebSocketError");
}

interface Events { open: number; close: Array<[number, string, boolean]>; error: string[]; pong: ArrayBuffer[]; message: LuatosMessage[] }

function watch(ws: LuatosWebSocket, withMessages = false): Events {
  const ev: Events = { open: 0, close: [], error: [], pong: [], message: [] };
  ws.on("open", () => { ev.open++; });
  ws.on("close", (code, reason, wasClean) => { ev.close.push([code, reason, wasClean]); });
  ws.on("error", (message, error) => { expect(error).toBeInstanceOf(WebSocketError); ev.error.push(message); });
  ws.on("pong", (payload) => { ev.pong.push(payload); });
  if (withMessages) ws.on("message", (data) => { ev.message.push(data); });
  return ev;
}

let peer: Peer;
beforeEach(async () => { peer = await startPeer(); });
afterEach(async () => { await peer.close(); });

describe("websocket.new(url, cert)", () => {
  test("makes a client that connects only when asked", async () => {
    const ws = websocket.new(peer.url);
    expect(ws).toBeInstanceOf(LuatosWebSocket);
    expect(ws.state()).toBe("CLOSED");
    expect(ws.online()).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(peer.sockets).toHaveLength(0);
    expect(await ws.recv()).toEqual([false, "not connected: call connect() or start() first"]);
  });

  test("bad arguments throw at once, naming the problem", () => {
    expect(thrown(() => websocket.new(5 as unknown as string)).message).toMatch(/url must be a string/);
    expect(thrown(() => websocket.new("tcp://127.0.0.1:1/")).code).toBe("INVALID_URL");
    const e = thrown(() => websocket.new(peer.url, "ca.crt" as unknown as object));
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toMatch(/cert table must be an object/);
    expect(thrown(() => websocket.new(peer.url, { caCert: "ca.crt" })).code).toBe("CERT_BUNDLE");
    expect(thrown(() => websocket.new(peer.url, { clientCert: "-----BEGIN CERTIFICATE-----\n" })).message).toMatch(/clientCert is given without clientKey/);
    expect(thrown(() => websocket.new(peer.url, { insist: 2 })).message).toMatch(/insist/);
    expect(thrown(() => websocket.new(peer.url, null, { queueLimit: 0 })).message).toMatch(/queueLimit/);
    expect(thrown(() => websocket.exit({} as LuatosWebSocket)).message).toMatch(/websocket.exit\(\) needs a client/);
  });

  test("the cert table reaches TLS: the CA verifies a wss server; without it the connection is refused", async () => {
    const pki: Pki = makePki();
    const server = await startWss({ key: pki.pem("server.key"), cert: pki.pem("server.pem") });
    try {
      const url = `wss://127.0.0.1:${server.port}/`;
      const good = websocket.new(url, { caCert: pki.pem("ca.pem") });
      const ev = watch(good, true);
      expect(await good.connect(5000)).toBe(true);
      good.sendFrame(true, 1, "over tls");
      await until(() => ev.message.length === 1);
      expect(ev.message[0]).toBe("over tls");
      good.close();
      await until(() => ev.close.length === 1);

      const wrongCa = websocket.new(url, { caCert: pki.pem("other-ca.pem") });
      const ev2 = watch(wrongCa);
      expect(await wrongCa.connect(5000)).toBe(false);
      expect(ev2.error[0]).toMatch(/certificate|TLS/i);

      // Names in the table are looked up through the source the app gives.
      const named = websocket.new(url, { caCert: "localhost_ca" }, { certSource: (name) => (name === "localhost_ca" ? pki.pem("ca.pem") : undefined) });
      expect(await named.connect(5000)).toBe(true);
      named.close();
      await until(() => named.state() === "CLOSED");

      // …or through the entry's defaults (a device passes its flash bundle).
      const entry = makeLuatosModule(nodeRuntime, { certSource: (name) => (name === "localhost_ca" ? pki.pem("ca.pem") : undefined) });
      const viaEntry = entry.new(url, { caCert: "localhost_ca" });
      expect(await viaEntry.connect(5000)).toBe(true);
      viaEntry.close();
      await until(() => viaEntry.state() === "CLOSED");
    } finally {
      await server.close();
      pki.remove();
    }
  });
});

describe("on(event, cb)", () => {
  test("rejects unknown events and non-functions; a new callback replaces the old", async () => {
    const ws = websocket.new(peer.url);
    expect(thrown(() => ws.on("data" as "open", () => undefined)).message).toMatch(/unknown event "data"/);
    expect(thrown(() => ws.on("pong", 1 as unknown as () => void)).message).toMatch(/"pong" callback must be a function/);
    const calls: string[] = [];
    ws.on("open", () => calls.push("first"));
    ws.on("open", () => calls.push("second"));
    expect(await ws.connect(5000)).toBe(true);
    expect(calls).toEqual(["second"]);
    ws.close();
  });
});

describe("connect(timeout)", () => {
  test("resolves true when open; state() and online() follow the connection", async () => {
    const ws = websocket.new(peer.url);
    const ev = watch(ws);
    const pending = ws.connect(5000);
    expect(ws.state()).toBe("CONNECTING");
    expect(thrown(() => ws.connect(5000)).message).toMatch(/connect\(\) while the connection is CONNECTING/);
    expect(await pending).toBe(true);
    expect(ev.open).toBe(1);
    expect(ws.state()).toBe("OPEN");
    expect(ws.online()).toBe(true);
    expect(thrown(() => ws.connect(5000)).code).toBe("INVALID_STATE");
    ws.close();
    expect(ws.state()).toBe("CLOSING");
    expect(ws.online()).toBe(false);
    await until(() => ev.close.length === 1);
    expect(ws.state()).toBe("CLOSED");
    expect(ev.close[0]).toEqual([1005, "", true]);
  });

  test("bad timeouts are refused", () => {
    const ws = websocket.new(peer.url);
    for (const bad of [0, -5, Infinity, "100", NaN, 1.5, 2 ** 31]) {
      const e = thrown(() => ws.connect(bad as number));
      expect(e.code).toBe("INVALID_ARGUMENT");
      expect(e.message).toMatch(/^timeout must be an integer number of ms from 1 to 2147483647, got /);
    }
  });

  test("a refused connection resolves false and reports the error", async () => {
    const ws = websocket.new(`ws://127.0.0.1:${await closedPort()}/`);
    const ev = watch(ws);
    expect(await ws.connect(5000)).toBe(false);
    expect(ev.error).toHaveLength(1);
    expect(ws.state()).toBe("CLOSED");
    const [ok, text] = await ws.recv();
    expect(ok).toBe(false);
    expect(text).toBe(ev.error[0]);
  });

  test("a timeout aborts the attempt and closes its socket; the seed's retry loop then succeeds", async () => {
    // The first connection hangs (no handshake answer); later ones are answered.
    const accepted: Socket[] = [];
    let firstClosed = false;
    const server = createServer((socket) => {
      accepted.push(socket);
      socket.on("error", () => undefined);
      if (accepted.length === 1) {
        socket.on("close", () => { firstClosed = true; });
        socket.resume(); // read (and ignore) the request, so the client's close is seen
        return;
      }
      socket.once("data", (head: Buffer) => socket.write(response101(requestKey(new Uint8Array(head)))));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const ws = websocket.new(`ws://127.0.0.1:${(server.address() as { port: number }).port}/`);
      const ev = watch(ws);
      let tries = 0;
      // while not ws:connect(20000) do sys.wait(2000) end
      while (!(await ws.connect(150))) { tries++; await new Promise((r) => setTimeout(r, 10)); }
      expect(tries).toBe(1);
      expect(ev.error[0]).toMatch(/within 150 ms/);
      expect(ev.close[0]).toEqual([1006, "", false]);
      // The timed-out attempt's socket was closed by the client, not left dangling.
      await until(() => firstClosed);
      expect(ws.online()).toBe(true);
      ws.close();
      accepted[1].destroy(); // this bare server never answers a close frame
      await until(() => ws.state() === "CLOSED");
    } finally {
      for (const s of accepted) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test("a close() while connecting resolves false", async () => {
    const raw = await startRawPeer(false);
    try {
      const ws = websocket.new(raw.url);
      const ev = watch(ws);
      const pending = ws.connect(5000);
      ws.close();
      expect(await pending).toBe(false);
      expect(ev.error[0]).toMatch(/closed before the connection was established/);
    } finally {
      await raw.close();
    }
  });
});

describe("sendFrame(fin, opcode, data)", () => {
  test("sends whole, fragmented and control frames; the server sees the messages", async () => {
    const ws = websocket.new(peer.url);
    const ev = watch(ws, true);
    await ws.connect(5000);
    expect(ws.sendFrame(true, 0x1, "www.openluat.com")).toBe(true);
    expect(ws.sendFrame(true, 0x2, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(ws.sendFrame(false, 0x1, "hello ")).toBe(true);
    ws.sendFrame(true, 0x9, "are you there");   // a ping in the middle of a fragmented message is legal
    expect(ws.sendFrame(true, 0x0, "world")).toBe(true);
    await until(() => ev.message.length === 3 && ev.pong.length === 1);
    expect(ev.message[0]).toBe("www.openluat.com");
    expect([...new Uint8Array(ev.message[1] as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(ev.message[2]).toBe("hello world");
    expect(Buffer.from(ev.pong[0]).toString()).toBe("are you there");
    ws.sendFrame(true, 0xA, "unsolicited pong"); // allowed by RFC 6455 5.5.3
    ws.close();
    await until(() => ev.close.length === 1);
  });

  test("illegal opcodes, bad sequences and bad arguments are refused with clear errors", async () => {
    const ws = websocket.new(peer.url);
    expect(thrown(() => ws.sendFrame(true, 1, "x")).message).toMatch(/before connect\(\) or start\(\)/);
    const ev = watch(ws, true);
    const pending = ws.connect(5000);
    expect(thrown(() => ws.sendFrame(true, 1, "x")).code).toBe("INVALID_STATE");
    await pending;
    const cases: Array<[boolean, number, unknown, string, RegExp]> = [
      [true, 0x3, "x", "INVALID_ARGUMENT", /0x3 is reserved/],
      [true, 0xB, "x", "INVALID_ARGUMENT", /0xb is reserved/],
      [true, 16, "x", "INVALID_ARGUMENT", /not in 0x0-0xF/],
      [true, -1, "x", "INVALID_ARGUMENT", /not in 0x0-0xF/],
      [true, 1.5, "x", "INVALID_ARGUMENT", /not in 0x0-0xF/],
      [true, 0x8, "x", "INVALID_ARGUMENT", /use close\(\)/],
      [false, 0x9, "x", "INVALID_ARGUMENT", /control frames cannot be fragmented/],
      [true, 0x9, "x".repeat(126), "INVALID_ARGUMENT", /126 bytes; at most 125/],
      [true, 0x0, "x", "INVALID_STATE", /continuation frame without a started message/],
      [true, 0x1, 42, "INVALID_ARGUMENT", /cannot send number/],
    ];
    for (const [fin, opcode, data, code, message] of cases) {
      const e = thrown(() => ws.sendFrame(fin, opcode, data as string));
      expect([opcode, e.code]).toEqual([opcode, code]);
      expect(e.message).toMatch(message);
    }
    expect(thrown(() => ws.sendFrame(1 as unknown as boolean, 1, "x")).message).toMatch(/fin must be a boolean/);
    expect(thrown(() => ws.sendFrame(true, "1" as unknown as number, "x")).message).toMatch(/opcode must be a number/);
    ws.sendFrame(false, 0x2, new Uint8Array([1]));
    expect(thrown(() => ws.sendFrame(true, 0x1, "new message")).message).toMatch(/cannot start inside an unfinished fragmented message/);
    ws.sendFrame(true, 0x0, new Uint8Array([2]));
    await until(() => ev.message.length === 1);
    expect([...new Uint8Array(ev.message[0] as ArrayBuffer)]).toEqual([1, 2]);
    ws.close();
    expect(ws.sendFrame(true, 1, "late")).toBe(false);
    await until(() => ev.close.length === 1);
    expect(ws.sendFrame(true, 1, "later")).toBe(false);
    expect(ev.close[0][2]).toBe(true);
  });
});

describe("recv()", () => {
  test("returns [true, data] in order, waits for data, and [false, reason] once closed", async () => {
    await peer.close();
    peer = await startPeer({
      onConnection: (s) => s.on("message", (data, isBinary) => {
        if (data.toString() === "bye") s.close(1000, "done");
        else s.send(data, { binary: isBinary });
      }),
    });
    const ws = websocket.new(peer.url);
    await ws.connect(5000);
    const waiting = ws.recv(); // asked before anything arrived
    ws.sendFrame(true, 1, "one");
    ws.sendFrame(true, 2, new Uint8Array([7, 7]));
    ws.sendFrame(true, 1, "three");
    expect(await waiting).toEqual([true, "one"]);
    const [ok, bin] = await ws.recv();
    expect(ok).toBe(true);
    expect(bin).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bin as ArrayBuffer)]).toEqual([7, 7]);
    expect(await ws.recv()).toEqual([true, "three"]);
    const afterClose = ws.recv();
    ws.sendFrame(true, 1, "bye");
    expect(await afterClose).toEqual([false, "connection closed (1000 \"done\")"]);
    expect(await ws.recv()).toEqual([false, "connection closed (1000 \"done\")"]);
  });

  test("a protocol error ends recv() with the error's text", async () => {
    await peer.close();
    const raw = await startRawPeer(true);
    try {
      const ws = websocket.new(raw.url);
      await ws.connect(5000);
      const socket = await raw.nextSocket();
      socket.write(frame(1, "fine"));
      socket.write(frame(0x3, "bad opcode"));
      expect(await ws.recv()).toEqual([true, "fine"]);
      const [ok, text] = await ws.recv();
      expect(ok).toBe(false);
      expect(text).toMatch(/opcode/);
      socket.destroy();
    } finally {
      await raw.close();
    }
  });

  test("messages go to a 'message' callback instead of recv() when one is set", async () => {
    const ws = websocket.new(peer.url);
    const ev = watch(ws, true);
    await ws.connect(5000);
    ws.sendFrame(true, 1, "pushed");
    await until(() => ev.message.length === 1);
    expect(ws.queued).toBe(0);
    ws.close();
    expect(await ws.recv()).toEqual([false, "connection closed (1005)"]);
  });

  test("a full queue stops reading from the transport; nothing is dropped", async () => {
    const COUNT = 64, SIZE = 512 * 1024;
    await peer.close();
    peer = await startPeer({
      onConnection: (s) => {
        for (let i = 0; i < COUNT; i++) {
          const m = Buffer.alloc(SIZE, i & 255);
          m.writeUInt32BE(i, 0);
          s.send(m, { binary: true });
        }
      },
    });
    const ws = websocket.new(peer.url, null, { queueLimit: 2, maxMessageSize: SIZE });
    expect(await ws.connect(5000)).toBe(true);
    const server = peer.sockets[0];
    // The client holds at most its limit (plus a message finished from bytes already read)
    // while the server is left with data it cannot hand to the network: the client stopped reading.
    await until(() => ws.queued >= 2 && server.bufferedAmount > 4 * SIZE);
    expect(ws.queued).toBeLessThanOrEqual(3);
    for (let i = 0; i < COUNT; i++) {
      const [ok, data] = await ws.recv();
      expect(ok).toBe(true);
      const bytes = Buffer.from(data as ArrayBuffer);
      expect(bytes.length).toBe(SIZE);
      expect(bytes.readUInt32BE(0)).toBe(i);
      expect(bytes[SIZE - 1]).toBe(i & 255);
      expect(ws.queued).toBeLessThanOrEqual(3);
    }
    ws.close();
    await until(() => ws.state() === "CLOSED");
  });
});

describe("close(code, reason)", () => {
  test("the seed's close(1002, reason) reaches the server", async () => {
    const ws = websocket.new(peer.url);
    const ev = watch(ws);
    await ws.connect(5000);
    const seen = new Promise<[number, string]>((resolve) => peer.sockets[0].on("close", (code, reason) => resolve([code, reason.toString()])));
    ws.close(1002, "协议错误");
    expect(await seen).toEqual([1002, "协议错误"]);
    await until(() => ev.close.length === 1);
    expect(ev.close[0]).toEqual([1002, "协议错误", true]);
  });

  test("bad codes and reasons throw and send nothing", async () => {
    const ws = websocket.new(peer.url);
    ws.close(); // nothing to close yet: a no-op
    const ev = watch(ws, true);
    await ws.connect(5000);
    expect(thrown(() => ws.close(999)).code).toBe("INVALID_CLOSE_CODE");
    expect(thrown(() => ws.close(1005)).code).toBe("INVALID_CLOSE_CODE");
    expect(thrown(() => ws.close(1000, "x".repeat(124))).code).toBe("INVALID_CLOSE_REASON");
    expect(thrown(() => ws.close("1000" as unknown as number)).message).toMatch(/close code must be a number/);
    expect(thrown(() => ws.close(1000, {} as string)).message).toMatch(/close reason must be a string/);
    expect(ws.state()).toBe("OPEN");
    ws.sendFrame(true, 1, "still open");
    await until(() => ev.message.length === 1);
    ws.close(1000, "x".repeat(123));
    await until(() => ev.close.length === 1);
    expect(ev.close[0]).toEqual([1000, "x".repeat(123), true]);
  });
});

describe("makeLuatosModule(runtime, defaults)", () => {
  test("entry defaults apply under the app's options", async () => {
    await peer.close();
    peer = await startPeer({ onConnection: (s) => s.send("y".repeat(64)) });
    const mod = makeLuatosModule(nodeRuntime, { maxMessageSize: 10 });
    const ws = mod.new(peer.url);
    await ws.connect(5000);
    const [ok, text] = await ws.recv();
    expect(ok).toBe(false);
    expect(text).toMatch(/64|10|too big|exceed/i);
    const roomy = mod.new(peer.url, null, { maxMessageSize: 100 });
    await roomy.connect(5000);
    expect(await roomy.recv()).toEqual([true, "y".repeat(64)]);
    roomy.close();
  });
});

describe("start(keepAlive, proc, reconnTime) and websocket.exit(ws)", () => {
  test("proc gets every message; the loop reconnects after the link drops and after a server close; exit ends it", async () => {
    const ws = websocket.new(peer.url);
    const ev = watch(ws);
    const got: LuatosMessage[] = [];
    ws.on("open", () => { ev.open++; ws.sendFrame(true, 1, `hello ${ev.open}`); });
    const ended = ws.start(undefined, (msg) => got.push(msg), 20);
    let finished = false;
    void ended.then(() => { finished = true; });
    await until(() => got.length === 1);
    expect(got[0]).toBe("hello 1");
    expect(ws.state()).toBe("OPEN");
    expect(ws.online()).toBe(true);
    peer.sockets[0].terminate();                      // the link drops
    await until(() => got.length === 2);
    expect(got[1]).toBe("hello 2");
    expect(ev.close[0]).toEqual([1006, "", false]);
    peer.sockets[1].close(1000, "server restart");    // an orderly close from the server: LuatOS reconnects too
    await until(() => got.length === 3);
    expect(got[2]).toBe("hello 3");
    expect(ev.close[1]).toEqual([1000, "server restart", true]);
    expect(finished).toBe(false);
    websocket.exit(ws);
    await ended;
    expect(ws.state()).toBe("CLOSED");
    expect(ev.close[2]).toEqual([1000, "", true]);
    expect(peer.sockets).toHaveLength(3);
    expect(await ws.recv()).toEqual([false, "connection closed (1000)"]);
    websocket.exit(ws); // a second exit is harmless
  });

  test("keepAlive is in seconds: idle links are pinged and the pongs reported", async () => {
    const ws = websocket.new(peer.url);
    const ev = watch(ws);
    const ended = ws.start(0.05);
    await until(() => ev.pong.length >= 2);
    expect(ev.pong[0].byteLength).toBe(0);
    expect(ev.open).toBe(1);
    websocket.exit(ws);
    await ended;
  });

  test("between attempts sendFrame returns false, bad frames still throw, and recv() keeps waiting", async () => {
    const ws = websocket.new(peer.url);
    const ev = watch(ws);
    const ended = ws.start(null, null, 60000);       // a long wait before reconnecting
    await until(() => ev.open === 1);
    const waiting = ws.recv();
    peer.sockets[0].terminate();
    await until(() => ev.close.length === 1);
    expect(ws.state()).toBe("CONNECTING");
    expect(ws.online()).toBe(false);
    expect(ws.sendFrame(true, 1, "lost")).toBe(false);
    expect(thrown(() => ws.sendFrame(true, 3, "x")).message).toMatch(/reserved/);
    expect(thrown(() => ws.sendFrame(false, 9, "x")).message).toMatch(/cannot be fragmented/);
    let answered = false;
    void waiting.then(() => { answered = true; });
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    websocket.exit(ws);                               // ends the wait at once
    await ended;
    expect(await waiting).toEqual([false, "closed while waiting to reconnect"]);
    expect(ws.state()).toBe("CLOSED");
  });

  test("recv() works under start() when there is no proc or message callback", async () => {
    const ws = websocket.new(peer.url);
    const ev = watch(ws);
    const ended = ws.start();
    await until(() => ev.open === 1);
    ws.sendFrame(true, 1, "queued");
    expect(await ws.recv()).toEqual([true, "queued"]);
    ws.close(4000, "done");                            // close() also ends the loop
    await ended;
    expect(ev.close[0]).toEqual([4000, "done", true]);
  });

  test("wrong states and bad arguments are refused", async () => {
    const ws = websocket.new(peer.url);
    expect(thrown(() => ws.start("30" as unknown as number)).message).toMatch(/keepAlive \(seconds\) must be a number from 0 to 2147483, got "30"/);
    expect(thrown(() => ws.start(-1)).code).toBe("INVALID_ARGUMENT");
    expect(thrown(() => ws.start(30, "proc" as unknown as () => void)).message).toMatch(/proc must be a function/);
    expect(thrown(() => ws.start(30, null, -5)).message).toMatch(/reconnTime must be an integer number of ms from 0 to 2147483647, got -5/);
    await ws.connect(5000);
    expect(thrown(() => ws.start()).message).toMatch(/start\(\) while connect\(\)'s connection is OPEN/);
    ws.close();
    await until(() => ws.state() === "CLOSED");
    const ended = ws.start();
    expect(thrown(() => ws.start()).message).toMatch(/already running/);
    expect(thrown(() => ws.connect(1000)).message).toMatch(/connect\(\) while start\(\) runs/);
    websocket.exit(ws);
    await ended;
  });
});
