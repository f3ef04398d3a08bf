/**
 * permessage-deflate against a real `ws` server with compression on: every
 * parameter combination, echo at every size class (text, compressible and
 * incompressible binary), fragmented compressed messages, and context
 * takeover seen on the wire.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { PerMessageDeflateOptions as WsDeflate, WebSocket as WsPeer } from "ws";
import { startWsServer, type Started } from "../support/servers";
import type { WebSocketServer } from "ws";
import { binaryOf, openClient, textOf, type TestClient } from "./deflate-client";
import type { PerMessageDeflateOptions } from "../../modules/core/extensions/permessage-deflate";

const SIZES = [0, 1, 125, 126, 1000, 65535, 65536, 1024 * 1024];

interface Combo {
  name: string;
  client: PerMessageDeflateOptions;
  server: WsDeflate;
  /** The Sec-WebSocket-Extensions answer ws gives. */
  agreed: string;
}

const COMBOS: Combo[] = [
  { name: "defaults", client: {}, server: {}, agreed: "permessage-deflate" },
  { name: "no context takeover asked by the client", client: { clientNoContextTakeover: true, serverNoContextTakeover: true }, server: {},
    agreed: "permessage-deflate; client_no_context_takeover; server_no_context_takeover" },
  { name: "small windows asked by the client", client: { serverMaxWindowBits: 9, clientMaxWindowBits: 10 }, server: {},
    agreed: "permessage-deflate; server_max_window_bits=9; client_max_window_bits=10" },
  { name: "8-bit windows asked by the client", client: { serverMaxWindowBits: 8, clientMaxWindowBits: 8 }, server: {},
    agreed: "permessage-deflate; server_max_window_bits=8; client_max_window_bits=8" },
  { name: "server imposes no context takeover and 8-bit windows", client: {},
    server: { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
    agreed: "permessage-deflate; client_max_window_bits=8; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=8" },
  { name: "server imposes an 11-bit client window", client: {}, server: { clientMaxWindowBits: 11 },
    agreed: "permessage-deflate; client_max_window_bits=11" },
  { name: "client_max_window_bits not offered", client: { clientMaxWindowBits: false, serverMaxWindowBits: 15 }, server: {},
    agreed: "permessage-deflate; server_max_window_bits=15" },
];

function equalBytes(a: string | Uint8Array, b: Uint8Array): boolean {
  return typeof a !== "string" && Buffer.from(a).equals(Buffer.from(b));
}

describe.each(COMBOS)("ws server, $name", (combo) => {
  let server: Started<WebSocketServer>;
  let client: TestClient;
  beforeAll(async () => {
    server = await startWsServer({ perMessageDeflate: { threshold: 0, ...combo.server } });
    client = openClient(server.url, { perMessageDeflate: { threshold: 0, ...combo.client } });
    await client.opened;
  });
  afterAll(async () => {
    client.client.close(1000);
    await client.closed;
    await server.close();
  });

  test("agrees the expected parameters", () => {
    expect(client.extensions).toBe(combo.agreed);
    expect(client.client.extensions).toBe(combo.agreed);
  });

  test.each(SIZES)("text of %i bytes", async (n) => {
    const text = textOf(n, n);
    client.client.send(text);
    const back = await client.next();
    expect(back.binary).toBe(false);
    expect(back.data).toBe(text);
  });

  test.each(SIZES)("compressible binary of %i bytes", async (n) => {
    const data = binaryOf(n, true, n & 255);
    client.client.send(data);
    const back = await client.next();
    expect(back.binary).toBe(true);
    expect(equalBytes(back.data, data)).toBe(true);
  });

  test.each(SIZES)("incompressible binary of %i bytes", async (n) => {
    const data = binaryOf(n, false, n + 7);
    client.client.send(data);
    const back = await client.next();
    expect(equalBytes(back.data, data)).toBe(true);
  });

  test("a compressible MiB really travels compressed (bytes read are a small part of it)", async () => {
    const before = client.read.bytes;
    const data = binaryOf(1024 * 1024, true, 3);
    client.client.send(data);
    expect(equalBytes((await client.next()).data, data)).toBe(true);
    expect(client.read.bytes - before).toBeLessThan(64 * 1024);
  });
});

describe("fragmented compressed messages from ws", () => {
  let server: Started<WebSocketServer>;
  beforeAll(async () => {
    // On "frag <n> <text|binary> <size>" the server sends one compressed message in n fragments.
    server = await startWsServer({ perMessageDeflate: { threshold: 0 } }, (peer) => {
      peer.on("message", (raw, isBinary) => {
        const [cmd, n, kind, size] = raw.toString().split(" ");
        if (isBinary || cmd !== "frag") { peer.send(raw, { binary: isBinary }); return; }
        const whole = kind === "text" ? Buffer.from(textOf(Number(size), 5)) : Buffer.from(binaryOf(Number(size), true, 9));
        const step = Math.ceil(whole.length / Number(n));
        for (let i = 0; i < Number(n); i++) {
          peer.send(whole.subarray(i * step, Math.min(whole.length, (i + 1) * step)), { binary: kind !== "text", fin: i === Number(n) - 1, compress: true });
        }
      });
    });
  });
  afterAll(() => server.close());

  test.each([
    [2, "text", 1000], [7, "text", 100_000], [3, "binary", 5000], [50, "binary", 300_000],
  ] as const)("%i fragments of a %s message of %i bytes, whole-message delivery", async (n, kind, size) => {
    const c = openClient(server.url, { perMessageDeflate: {} });
    await c.opened;
    c.client.send(`frag ${n} ${kind} ${size}`);
    const m = await c.next();
    if (kind === "text") expect(m.data).toBe(textOf(size, 5));
    else expect(equalBytes(m.data, binaryOf(size, true, 9))).toBe(true);
    c.client.close(1000);
    expect((await c.closed).wasClean).toBe(true);
  });

  test.each([[4, "text", 20_000], [4, "binary", 20_000]] as const)(
    "%i fragments of a %s message of %i bytes, streaming delivery (fragments: true)", async (n, kind, size) => {
      const c = openClient(server.url, { perMessageDeflate: {}, fragments: true });
      await c.opened;
      c.client.send(`frag ${n} ${kind} ${size}`);
      const m = await c.next();
      if (kind === "text") expect(m.data).toBe(textOf(size, 5));
      else expect(equalBytes(m.data, binaryOf(size, true, 9))).toBe(true);
      c.client.close(1000);
      await c.closed;
    });
});

describe("context takeover, seen on the wire", () => {
  // 20 KiB that do not compress on their own, sent twice: with context takeover
  // the second copy is a back-reference into the window and shrinks to a few bytes.
  const payload = binaryOf(20 * 1024, false, 77);

  async function twice(client: PerMessageDeflateOptions, serverOptions: WsDeflate): Promise<{ sent: number[]; received: number[] }> {
    let serverSocket: Socket | undefined;
    const server = await startWsServer({ perMessageDeflate: { threshold: 0, ...serverOptions } }, (peer: WsPeer, req: IncomingMessage) => {
      serverSocket = req.socket;
      peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
    });
    const c = openClient(server.url, { perMessageDeflate: { threshold: 0, ...client } });
    await c.opened;
    const sent: number[] = [];
    const received: number[] = [];
    for (let i = 0; i < 2; i++) {
      const readBefore = c.read.bytes;
      const serverReadBefore = serverSocket!.bytesRead;
      c.client.send(payload);
      const back = await c.next();
      expect(equalBytes(back.data, payload)).toBe(true);
      sent.push(serverSocket!.bytesRead - serverReadBefore);
      received.push(c.read.bytes - readBefore);
    }
    c.client.close(1000);
    await c.closed;
    await server.close();
    return { sent, received };
  }

  test("both sides keep their window: the repeat is tiny both ways", async () => {
    const { sent, received } = await twice({}, {});
    expect(sent[0]).toBeGreaterThan(20 * 1024);
    expect(received[0]).toBeGreaterThan(20 * 1024);
    expect(sent[1]).toBeLessThan(200);
    expect(received[1]).toBeLessThan(200);
  });

  test("client_no_context_takeover: our repeat is full size, the server's is tiny", async () => {
    const { sent, received } = await twice({ clientNoContextTakeover: true }, {});
    expect(sent[1]).toBeGreaterThan(20 * 1024);
    expect(received[1]).toBeLessThan(200);
  });

  test("server_no_context_takeover: the server's repeat is full size, ours is tiny", async () => {
    const { sent, received } = await twice({ serverNoContextTakeover: true }, {});
    expect(sent[1]).toBeLessThan(200);
    expect(received[1]).toBeGreaterThan(20 * 1024);
  });

  test("a 10-bit window cannot reach 20 KiB back: the repeat stays full size", async () => {
    const { sent, received } = await twice({ clientMaxWindowBits: 10, serverMaxWindowBits: 10 }, {});
    expect(sent[1]).toBeGreaterThan(20 * 1024);
    expect(received[1]).toBeGreaterThan(20 * 1024);
  });
});

describe("threshold and opt-in", () => {
  test("below the threshold messages go uncompressed (RSV1 clear) and still arrive", async () => {
    let rsv1Seen: boolean[] = [];
    const server = await startWsServer({ perMessageDeflate: { threshold: 0 } }, (peer, req) => {
      req.socket.on("data", (d: Buffer) => { rsv1Seen.push((d[0] & 0x40) !== 0); });
      peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
    });
    const c = openClient(server.url, { perMessageDeflate: { threshold: 100 } });
    await c.opened;
    rsv1Seen = [];
    c.client.send("x".repeat(99));
    expect((await c.next()).data).toBe("x".repeat(99));
    c.client.send("x".repeat(100));
    expect((await c.next()).data).toBe("x".repeat(100));
    expect(rsv1Seen).toEqual([false, true]);
    c.client.close(1000);
    await c.closed;
    await server.close();
  });

  test("without perMessageDeflate nothing is offered, and a compressing ws server sends plain frames", async () => {
    let offered: string | undefined = "unset";
    const server = await startWsServer({ perMessageDeflate: { threshold: 0 } }, (peer, req) => {
      offered = req.headers["sec-websocket-extensions"];
      peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
    });
    const c = openClient(server.url, {});
    await c.opened;
    expect(offered).toBeUndefined();
    expect(c.extensions).toBe("");
    c.client.send(textOf(5000));
    expect((await c.next()).data).toBe(textOf(5000));
    c.client.close(1000);
    await c.closed;
    await server.close();
  });
});
