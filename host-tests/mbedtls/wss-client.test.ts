/**
 * Full WebSocket sessions through the library's Client over the mbedTLS
 * transport (N-API binding of the C core): wss echo, large messages, mutual
 * TLS, verification failures, a stalled server and a reset mid-message.
 */
import { Client, type ClientOptions } from "../../modules/client/client";
import type { Runtime } from "../../modules/endpoint/runtime";
import type { WebSocketError } from "../../modules/core/errors";
import { mbedtlsRuntime } from "../../node/mbedtls";
import { makeTestPki, KEY_PASSPHRASE, type TestPki } from "./pki";
import { startCuttingProxy, startSilentServer, startWssEcho, type PeerServer } from "./servers";

const runtime: Runtime = mbedtlsRuntime();

let pki: TestPki;
let wss: PeerServer;
let mutual: PeerServer;
const extra: PeerServer[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  wss = await startWssEcho({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
  mutual = await startWssEcho({ key: pki.text("server.key"), cert: pki.text("server-chain.pem"),
    ca: pki.text("ca.pem"), requestCert: true, rejectUnauthorized: true });
});
afterAll(async () => {
  await wss.close();
  await mutual.close();
  pki.remove();
});
afterEach(async () => { await Promise.all(extra.splice(0).map((s) => s.close())); });

interface Run {
  client: Client;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string; wasClean: boolean }>;
  errors: WebSocketError[];
  /** The next `count` messages. */
  messages(count: number): Promise<Array<string | Uint8Array>>;
}

function connect(port: number, options: ClientOptions): Run {
  const errors: WebSocketError[] = [];
  const inbox: Array<string | Uint8Array> = [];
  let wake: (() => void) | undefined;
  let onOpen!: () => void;
  let onFail!: (e: unknown) => void;
  let onClosed!: (v: { code: number; reason: string; wasClean: boolean }) => void;
  const opened = new Promise<void>((res, rej) => { onOpen = res; onFail = rej; });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((res) => { onClosed = res; });
  const client = new Client(runtime, `wss://127.0.0.1:${port}/echo`, options, {
    onOpen: () => onOpen(),
    onMessage: (data) => { inbox.push(data); wake?.(); },
    onError: (e) => { errors.push(e); },
    onClose: (code, reason, wasClean) => { onFail(errors[0] ?? new Error(`closed ${code}`)); onClosed({ code, reason, wasClean }); wake?.(); },
  });
  return {
    client, opened, closed, errors,
    messages: (count) => new Promise((resolve, reject) => {
      const check = () => {
        if (inbox.length >= count) resolve(inbox.splice(0, count));
        else if (client.readyState === 3) reject(new Error(`closed after ${inbox.length} messages`));
        else wake = check;
      };
      check();
    }),
  };
}

const trust = (extra: ClientOptions["tls"] = {}): ClientOptions => ({ tls: { ca: [pki.text("ca.pem")], servername: "localhost", ...extra } });

describe("wss through the Client over mbedTLS", () => {
  test("text and binary echo, then a clean close", async () => {
    const run = connect(wss.port, trust());
    await run.opened;
    run.client.send("héllo wörld ✓");
    run.client.send(new Uint8Array([0, 1, 2, 254, 255]));
    const [text, binary] = await run.messages(2);
    expect(text).toBe("héllo wörld ✓");
    expect(Array.from(binary as Uint8Array)).toEqual([0, 1, 2, 254, 255]);
    run.client.close(1000, "done");
    expect(await run.closed).toEqual({ code: 1000, reason: "done", wasClean: true });
    expect(run.errors).toEqual([]);
  });

  test("large messages: 8 MiB binary and 1 MiB of multi-byte text come back intact", async () => {
    const run = connect(wss.port, trust());
    await run.opened;
    const big = new Uint8Array(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 11)) & 0xff;
    const text = "ж€😀a".repeat(1024 * 1024 / 10);
    run.client.send(big);
    run.client.send(text);
    const [b, t] = await run.messages(2);
    expect(b instanceof Uint8Array && Buffer.from(b).equals(Buffer.from(big))).toBe(true);
    expect(t).toBe(text);
    run.client.close();
    expect((await run.closed).wasClean).toBe(true);
  });

  test("1000 small messages arrive in order", async () => {
    const run = connect(wss.port, trust());
    await run.opened;
    for (let i = 0; i < 1000; i++) run.client.send(`m${i}`);
    const got = await run.messages(1000);
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
    run.client.close();
    await run.closed;
  });

  test("mutual TLS with an encrypted client key", async () => {
    const before = mutual.seen.length;
    const run = connect(mutual.port, trust({ cert: pki.text("client.pem"), key: pki.text("client-pem-aes.key"), passphrase: KEY_PASSPHRASE }));
    await run.opened;
    run.client.send("who am i");
    expect(await run.messages(1)).toEqual(["who am i"]);
    expect(mutual.seen.slice(before)).toEqual([{ servername: "localhost", clientCn: "wsx test client" }]);
    run.client.close();
    await run.closed;
  });

  test("mutual TLS without our certificate: TLS_ERROR, then close 1006", async () => {
    const run = connect(mutual.port, trust());
    const closed = await run.closed;
    expect(closed.code).toBe(1006);
    expect(closed.wasClean).toBe(false);
    expect(run.errors.map((e) => e.code)).toEqual(["TLS_ERROR"]);
    expect(run.errors[0].message).toMatch(/the server may require a client certificate$/);
  });

  test("a host-name mismatch fails, and insist gets through", async () => {
    const wrong = await startWssEcho({ key: pki.text("wronghost.key"), cert: pki.text("wronghost-chain.pem") });
    extra.push(wrong);
    const refused = connect(wrong.port, trust());
    expect((await refused.closed).code).toBe(1006);
    expect(refused.errors[0].code).toBe("TLS_ERROR");
    expect(refused.errors[0].message).toMatch(/host name mismatch/);
    const insisted = connect(wrong.port, trust({ insist: true }));
    await insisted.opened;
    insisted.client.send("anyway");
    expect(await insisted.messages(1)).toEqual(["anyway"]);
    insisted.client.close();
    expect((await insisted.closed).wasClean).toBe(true);
  });

  test("the certificate bundle seam (certificates.tlsFor) is honoured", async () => {
    const asked: string[] = [];
    const run = connect(wss.port, { certificates: { tlsFor: (host) => { asked.push(host); return { ca: [pki.bytes("ca.der")], servername: "localhost" }; } } });
    await run.opened;
    expect(asked).toEqual(["127.0.0.1"]);
    run.client.close();
    await run.closed;
  });

  test("a server that stalls mid-handshake ends in CONNECT_TIMEOUT and its socket closes", async () => {
    const silent = await startSilentServer();
    extra.push(silent);
    const run = connect(silent.port, { ...trust(), connectTimeout: 300 });
    const closed = await run.closed;
    expect(closed.code).toBe(1006);
    expect(run.errors.map((e) => e.code)).toEqual(["CONNECT_TIMEOUT"]);
    while (silent.closed < 1) await new Promise((r) => setTimeout(r, 5));
    expect(silent.accepted).toBe(1);
  });

  test("a reset in the middle of a message is CONNECTION_LOST and close 1006", async () => {
    const proxy = await startCuttingProxy(wss.port);
    extra.push(proxy);
    const run = connect(proxy.port, trust());
    await run.opened;
    proxy.arm();
    run.client.send(new Uint8Array(200000));
    const closed = await run.closed;
    expect(closed).toEqual({ code: 1006, reason: "", wasClean: false });
    expect(run.errors.map((e) => e.code)).toEqual(["CONNECTION_LOST"]);
    expect(run.errors[0].message).toMatch(/reset/i);
  });
});
