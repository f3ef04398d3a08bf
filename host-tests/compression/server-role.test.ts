/**
 * The server role accepts permessage-deflate by policy: the core's
 * ServerConnection, driven over real sockets, echoing to a `ws` client
 * that offers compression.
 */
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocket as WsClient, type PerMessageDeflateOptions as WsDeflate } from "ws";
import { ServerConnection } from "../../modules/core/server-connection";
import type { ServerDeflatePolicy } from "../../modules/core/extensions/permessage-deflate";
import { nodeCompression } from "../../node/deflate";
import { nodePlatform } from "../../node/platform";
import { binaryOf, textOf } from "./deflate-client";

async function echoServer(policy: ServerDeflatePolicy | undefined, compressionOnPlatform = true): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const connection: ServerConnection = new ServerConnection({
      maxMessageSize: 4 * 1024 * 1024,
      maxFragments: 1000,
      fragments: false,
      random: (b) => nodePlatform.randomFill(b),
      compression: compressionOnPlatform ? nodeCompression : undefined,
    }, { perMessageDeflate: policy }, {
      onOutput: (bytes) => { if (!socket.destroyed) socket.write(bytes); },
      onEstablished: () => undefined,
      onMessage: (data, binary) => { connection.send(data, binary); },
      onFragment: () => undefined,
      onPing: () => undefined,
      onPong: () => undefined,
      onError: () => undefined,
      onStateChange: () => undefined,
      onShutdown: (graceful) => { if (graceful) socket.end(); else socket.destroy(); },
      onClosed: () => undefined,
    });
    socket.on("data", (d: Buffer) => connection.receive(new Uint8Array(d.buffer, d.byteOffset, d.length)));
    socket.on("close", () => { sockets.delete(socket); connection.transportClosed(); });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

function wsClient(url: string, deflate: WsDeflate | false): Promise<{ ws: WsClient; answer: string | undefined; next(): Promise<{ data: Buffer; binary: boolean }> }> {
  const ws = new WsClient(url, { perMessageDeflate: deflate });
  let answer: string | undefined;
  ws.once("upgrade", (response) => { answer = response.headers["sec-websocket-extensions"]; });
  const queue: { data: Buffer; binary: boolean }[] = [];
  const waiting: ((m: { data: Buffer; binary: boolean }) => void)[] = [];
  ws.on("message", (data, binary) => {
    const m = { data: data as Buffer, binary };
    const w = waiting.shift();
    if (w) w(m); else queue.push(m);
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, answer, next: () => new Promise((r) => { const m = queue.shift(); if (m) r(m); else waiting.push(r); }) }));
    ws.once("error", reject);
  });
}

const CASES: [string, ServerDeflatePolicy, WsDeflate, string][] = [
  ["default policy, default ws offer", {}, { threshold: 0 }, "permessage-deflate"],
  ["policy: server no context takeover, 10-bit client window", { serverNoContextTakeover: true, clientMaxWindowBits: 10 }, { threshold: 0 },
    "permessage-deflate; server_no_context_takeover; client_max_window_bits=10"],
  ["client asks for 9-bit server window and no takeover either way", {},
    { threshold: 0, serverMaxWindowBits: 9, clientNoContextTakeover: true, serverNoContextTakeover: true },
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9"],
  ["policy: 8-bit server window", { serverMaxWindowBits: 8 }, { threshold: 0 }, "permessage-deflate; server_max_window_bits=8"],
];

describe.each(CASES)("server role, %s", (_name, policy, offer, agreed) => {
  test("negotiates and echoes text and binary at every size class, also fragmented", async () => {
    const server = await echoServer({ threshold: 0, ...policy });
    const { ws, answer, next } = await wsClient(server.url, offer);
    expect(answer).toBe(agreed);
    expect(ws.extensions).toBe("permessage-deflate");
    for (const n of [0, 1, 125, 126, 65535, 65536, 1024 * 1024]) {
      const text = textOf(n, n);
      ws.send(text);
      const t = await next();
      expect(t.binary).toBe(false);
      expect(t.data.toString()).toBe(text);
      const data = binaryOf(n, n % 2 === 0, n & 255);
      ws.send(data);
      const b = await next();
      expect(b.binary).toBe(true);
      expect(b.data.equals(Buffer.from(data))).toBe(true);
    }
    const whole = Buffer.from(textOf(30_000, 3));
    for (let i = 0; i < 3; i++) ws.send(whole.subarray(i * 10_000, (i + 1) * 10_000), { fin: i === 2, binary: false });
    expect((await next()).data.toString()).toBe(whole.toString());
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.close(1000);
    expect(await closed).toBe(1000);
    await server.close();
  });
});

test("without a policy, or without a compression provider, the offer is declined and messages flow uncompressed", async () => {
  for (const [policy, provider] of [[undefined, true], [{}, false]] as const) {
    const server = await echoServer(policy, provider);
    const { ws, answer, next } = await wsClient(server.url, { threshold: 0 });
    expect(answer).toBeUndefined();
    expect(ws.extensions).toBe("");
    ws.send("hello");
    expect((await next()).data.toString()).toBe("hello");
    ws.terminate();
    await server.close();
  }
});
