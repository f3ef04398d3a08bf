/**
 * TLS session resumption through the mbedTLS runtime (issue 17 §3): a second
 * connection to the same host resumes the first one's session, as the server
 * itself reports it (Node's isSessionReused(); openssl s_server -www's status
 * page), by ticket and by session ID; ReconnectingClient's reconnection
 * resumes; a ticket the server no longer accepts falls back to a full
 * handshake without a word; `resumption: false` turns it off; the host cache
 * is bounded.
 */
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";
import { makeLuatosModule } from "../../modules/api/luatos";
import { Client } from "../../modules/client/client";
import { ReconnectingClient } from "../../modules/reconnecting/reconnecting";
import { WebSocketError } from "../../modules/core/errors";
import type { TlsConfig } from "../../modules/transport/transport";
import { loadMbedtlsNative, mbedtlsRuntime } from "../../node/mbedtls";
import { openOn, trusting } from "./drive";
import { makeTestPki, type TestPki } from "./pki";
import { startOpensslServer, startWssEcho, type PeerServer } from "./servers";

let pki: TestPki;
const servers: { close(): Promise<void> }[] = [];

beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!predicate()) throw new Error("timed out waiting");
}

/** mbedTLS 3.x, which may speak TLS 1.3. */
const isTls13 = () => !loadMbedtlsNative().mbedtlsVersion.startsWith("2.");

/** A Node TLS echo server that records, per connection, whether it resumed a session. */
async function reuseServer(options: tls.TlsOptions = {}): Promise<{ port: number; reused: boolean[]; server: tls.Server }> {
  const reused: boolean[] = [];
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: pki.text("server.key"), cert: pki.text("server-chain.pem"), ...options }, (socket) => {
    reused.push(socket.isSessionReused());
    socket.on("data", (d) => socket.write(d));
    socket.on("end", () => socket.end());
    socket.on("error", () => {});
  });
  server.on("connection", (s: net.Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  server.on("tlsClientError", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push({ close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }) });
  return { port: (server.address() as net.AddressInfo).port, reused, server };
}

/** One connection: open, echo, end with close_notify (a server keeps only sessions that ended in order). */
async function roundTrip(runtime: ReturnType<typeof mbedtlsRuntime>, port: number, line = "again\n"): Promise<void> {
  const s = openOn(runtime, port, trusting(pki.text("ca.pem")));
  await s.opened;
  s.transport.write(new TextEncoder().encode(line));
  await s.until((t) => t.includes("\n"));
  s.transport.end();
  expect(await s.closed).toBeUndefined();
}

describe("resumption against a Node TLS server", () => {
  test("the second connection of a runtime to the same host resumes the first one's session", async () => {
    const server = await reuseServer();
    const runtime = mbedtlsRuntime();
    await roundTrip(runtime, server.port);
    await roundTrip(runtime, server.port);
    await roundTrip(runtime, server.port);
    expect(server.reused).toEqual([false, true, true]);
  });

  test("TLS 1.2 tickets resume too (a server capped at TLS 1.2)", async () => {
    const server = await reuseServer({ maxVersion: "TLSv1.2" });
    const runtime = mbedtlsRuntime();
    await roundTrip(runtime, server.port);
    await roundTrip(runtime, server.port);
    expect(server.reused).toEqual([false, true]);
  });

  test("a ticket the server no longer accepts falls back to a full handshake, silently", async () => {
    const server = await reuseServer();
    const runtime = mbedtlsRuntime();
    await roundTrip(runtime, server.port);
    server.server.setTicketKeys(randomBytes(48)); // what a server restart does
    await roundTrip(runtime, server.port);
    await roundTrip(runtime, server.port);
    expect(server.reused).toEqual([false, false, true]);
  });

  test("resumption: false makes every handshake a full one", async () => {
    const server = await reuseServer();
    const runtime = mbedtlsRuntime({ resumption: false });
    await roundTrip(runtime, server.port);
    await roundTrip(runtime, server.port);
    expect(server.reused).toEqual([false, false]);
  });

  test("tls.resumption: false turns it off for that connection only; the checked option refuses other values", async () => {
    const server = await reuseServer();
    const runtime = mbedtlsRuntime();
    const ca = pki.text("ca.pem");
    const once = async (tlsConfig: TlsConfig): Promise<void> => {
      const s = openOn(runtime, server.port, tlsConfig);
      await s.opened;
      s.transport.end();
      expect(await s.closed).toBeUndefined();
    };
    const off: TlsConfig = { ca: [ca], servername: "localhost", resumption: false };
    const on: TlsConfig = { ca: [ca], servername: "localhost" };
    await once(off);
    await once(off);
    await once(on);
    await once(on);
    expect(server.reused).toEqual([false, false, false, true]);
    expect(() => new Client(runtime, `wss://127.0.0.1:${server.port}/`, { tls: { ca: [ca], resumption: "no" as never } }, {}))
      .toThrow('tls.resumption must be true or false, got "no"');
  });

  test("seed 001's start() resumes the session when it reconnects", async () => {
    const wss = await startWssEcho({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
    servers.push(wss);
    const websocket = makeLuatosModule(mbedtlsRuntime());
    const ws = websocket.new(`wss://127.0.0.1:${wss.port}/`, { caCert: pki.text("ca.pem") });
    let opens = 0;
    ws.on("open", () => { opens++; });
    const ended = ws.start(30, () => undefined, 20);
    await until(() => opens === 1);
    wss.dropAll(); // the link drops: start() reconnects
    await until(() => opens === 2);
    websocket.exit(ws);
    await ended;
    expect(wss.reused).toEqual([false, true]);
  });

  test("another runtime keeps its own sessions (nothing is shared at module level)", async () => {
    const server = await reuseServer();
    await roundTrip(mbedtlsRuntime(), server.port);
    await roundTrip(mbedtlsRuntime(), server.port);
    expect(server.reused).toEqual([false, false]);
  });

  test("runtimes made and dropped do not pile up: the host caches of the last 8 factories are kept", async () => {
    const server = await reuseServer();
    const first = mbedtlsRuntime();
    await roundTrip(first, server.port);
    await roundTrip(first, server.port); // resumed: its cache is there
    for (let i = 0; i < 8; i++) await roundTrip(mbedtlsRuntime(), server.port); // eight more factories, each with a cache
    await roundTrip(first, server.port); // the first one's cache went first: a full handshake, silently
    expect(server.reused).toEqual([false, true, ...new Array(8).fill(false), false]);
  });

  test("a certificate the client no longer trusts is not resumed: other settings, other host entry, full handshake", async () => {
    const server = await reuseServer();
    const runtime = mbedtlsRuntime();
    await roundTrip(runtime, server.port);
    const s = openOn(runtime, server.port, trusting(pki.text("other-ca.pem")));
    const error = await s.closed;
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/unknown CA/);
    expect(server.reused).toEqual([false]);
  });

  test("ReconnectingClient's reconnection resumes the session", async () => {
    const wss = await startWssEcho({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
    servers.push(wss);
    const runtime = mbedtlsRuntime();
    let opens = 0;
    const opened: Array<() => void> = [];
    const client = new ReconnectingClient(runtime, `wss://127.0.0.1:${wss.port}/`, {
      tls: { ca: [pki.text("ca.pem")], servername: "localhost" }, reconnect: { baseDelay: 10, maxDelay: 20 },
    }, {
      onOpen: () => { opens++; opened.splice(0).forEach((f) => f()); },
    });
    const nextOpen = () => new Promise<void>((resolve) => opened.push(resolve));
    await nextOpen();
    wss.dropAll(); // the server drops the connection: the client reconnects
    await nextOpen();
    client.close();
    expect(opens).toBe(2);
    expect(wss.reused).toEqual([false, true]);
  });
});

describe("resumption against openssl s_server -www (its status page says New or Reused)", () => {
  async function statusPage(runtime: ReturnType<typeof mbedtlsRuntime>, port: number): Promise<string> {
    const s = openOn(runtime, port, trusting(pki.text("ca.pem")));
    await s.opened;
    s.transport.write(new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n"));
    await s.closed; // -www answers and closes
    return s.received();
  }

  test.each([
    ["session tickets", [] as string[]],
    ["session IDs (TLS 1.2) or stateful tickets (TLS 1.3): -no_ticket", ["-no_ticket"]],
  ])("by %s", async (_how, extra) => {
    const ossl = await startOpensslServer(["-www", "-cert", pki.path("server.pem"), "-key", pki.path("server.key"),
      "-cert_chain", pki.path("int.pem"), ...extra], { rev: false });
    servers.push(ossl);
    const runtime = mbedtlsRuntime();
    const first = await statusPage(runtime, ossl.port);
    const second = await statusPage(runtime, ossl.port);
    // 2.28 speaks TLS 1.2; 3.x TLS 1.3 unless built without it (as docs/mbedtls.md recommends for an ESP32).
    const protocol = /\bNew, (TLSv1\.[23])/.exec(first)?.[1];
    expect(protocol).toEqual(isTls13() ? expect.stringMatching(/^TLSv1\.[23]$/) : "TLSv1.2");
    // TLS 1.3 has no session IDs: with -no_ticket OpenSSL issues stateful tickets (its session cache) instead.
    expect(second).toContain(`Reused, ${protocol}`);
  });
});

describe("the options that control it are checked where they enter", () => {
  test.each([
    [{ resumption: "yes" }, /TLS transport option resumption must be true or false, got "yes"/],
    [{ hosts: 0 }, /TLS transport option hosts must be an integer from 1 to 64, got 0/],
    [{ hosts: Number.NaN }, /TLS transport option hosts must be an integer from 1 to 64, got NaN/],
    [{ maxFragmentLength: 1000 }, /maxFragmentLength must be 0, 512, 1024, 2048 or 4096, got 1000/],
    [{ readsPerPoll: 4 }, /has no option "readsPerPoll"/],
  ])("%p is refused", (options, message) => {
    let thrown: unknown;
    try {
      mbedtlsRuntime(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WebSocketError);
    expect((thrown as WebSocketError).code).toBe("INVALID_ARGUMENT");
    expect((thrown as WebSocketError).message).toMatch(message);
  });

  test("at most `hosts` hosts are kept: the least recently used one's session goes", async () => {
    const a = await reuseServer();
    const b = await reuseServer();
    const runtime = mbedtlsRuntime({ hosts: 1 });
    await roundTrip(runtime, a.port);
    await roundTrip(runtime, b.port); // a is dropped
    await roundTrip(runtime, a.port);
    await roundTrip(runtime, a.port);
    expect(a.reused).toEqual([false, false, true]);
    expect(b.reused).toEqual([false]);
  });
});
