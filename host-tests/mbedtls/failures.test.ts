import { readFileSync } from "node:fs";
/**
 * Failure and close paths of the mbedTLS transport: a server that stalls
 * mid-handshake (our timeout, or the caller's destroy, ends it and the socket
 * really closes), a reset in the middle of a TLS record, a refused connect,
 * orderly ends from either side, and bulk data with backpressure.
 */
import { makeTestPki, type TestPki } from "./pki";
import { open, trusting } from "./drive";
import { startCuttingProxy, startOpensslServer, startSilentServer, startTlsEcho, type PeerServer } from "./servers";
import * as net from "node:net";
import type { AddressInfo } from "node:net";

let pki: TestPki;
let echo: PeerServer;
const extra: PeerServer[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  echo = await startTlsEcho({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
});
afterAll(async () => {
  await echo.close();
  pki.remove();
});
afterEach(async () => { await Promise.all(extra.splice(0).map((s) => s.close())); });

const tlsOk = () => trusting(pki.text("ca.pem"));

/** Resolves once `check` holds, polling on the event loop; gives up (throws) after 10 s so a failure cannot hang the run. */
async function eventually(check: () => boolean, what = "condition"): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 2000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("mbedTLS transport: stalls and resets", () => {
  test("a server that never answers the ClientHello ends in CONNECT_TIMEOUT, and the socket closes", async () => {
    const silent = await startSilentServer();
    extra.push(silent);
    const s = open(silent.port, tlsOk(), { handshakeTimeout: 300 });
    const error = await s.closed;
    expect(error?.code).toBe("CONNECT_TIMEOUT");
    expect(error?.message).toBe(`TLS handshake with 127.0.0.1:${silent.port} did not finish within 300 ms`);
    await eventually(() => silent.closed === 1);
    expect(silent.accepted).toBe(1);
    expect(s.closeCount()).toBe(1);
  });

  test("destroy() mid-handshake (what the Client's connectTimeout does) closes once, with no error", async () => {
    const silent = await startSilentServer();
    extra.push(silent);
    const s = open(silent.port, tlsOk());
    await eventually(() => silent.accepted === 1);
    s.transport.destroy();
    s.transport.destroy();
    expect(await s.closed).toBeUndefined();
    await eventually(() => silent.closed === 1);
    expect(s.closeCount()).toBe(1);
  });

  test("a reset in the middle of a TLS record is CONNECTION_LOST", async () => {
    const proxy = await startCuttingProxy(echo.port);
    extra.push(proxy);
    const s = open(proxy.port, tlsOk());
    await s.opened;
    proxy.arm();
    s.transport.write(new TextEncoder().encode("big:60000\n"));
    const error = await s.closed;
    expect(error?.code).toBe("CONNECTION_LOST");
    expect(error?.message).toMatch(new RegExp(`^connection to 127\\.0\\.0\\.1:${proxy.port} lost: .*reset`, "i"));
    expect(s.receivedBytes()).toBeLessThan(60000);
  });

  test("a refused connect is CONNECTION_FAILED", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const error = await open(port, tlsOk()).closed;
    expect(error?.code).toBe("CONNECTION_FAILED");
    expect(error?.message).toMatch(new RegExp(`^cannot connect to 127\\.0\\.0\\.1:${port}: connection refused$`, "i"));
  });

  test("a server that drops TCP mid-handshake is a TLS_ERROR, not a hang", async () => {
    const rude = net.createServer((socket) => socket.once("data", () => socket.destroy()));
    await new Promise<void>((r) => rude.listen(0, "127.0.0.1", r));
    const port = (rude.address() as AddressInfo).port;
    const error = await open(port, tlsOk()).closed;
    await new Promise<void>((r) => rude.close(() => r()));
    expect(error?.code).toBe("TLS_ERROR");
    expect(error?.message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed: /);
  });
});

describe("mbedTLS transport: orderly ends and bulk data", () => {
  test("end(): queued bytes go out, the server ends too, and we close without error", async () => {
    const s = open(echo.port, tlsOk());
    await s.opened;
    s.transport.write(new TextEncoder().encode("bye\n"));
    s.transport.end();
    expect(s.transport.write(new Uint8Array([1]))).toBe(false);
    expect(await s.closed).toBeUndefined();
    expect(s.received()).toBe("bye\n");
  });

  test("end() ends the TLS session with close_notify (openssl s_server sees an orderly shutdown)", async () => {
    const ossl = await startOpensslServer(["-cert", pki.path("server.pem"), "-key", pki.path("server.key"),
      "-cert_chain", pki.path("int.pem"), "-naccept", "1"], { rev: false });
    extra.push(ossl);
    const s = open(ossl.port, tlsOk(), { endTimeout: 500 });
    await s.opened;
    s.transport.write(new TextEncoder().encode("last words\n"));
    await eventually(() => ossl.log().includes("last words"), `"last words" in ${JSON.stringify(ossl.log().slice(-600))}`);
    s.transport.end();
    await ossl.exited; // -naccept 1: it exits after this session, flushing its log
    expect(ossl.log()).toMatch(/last words\s+DONE\s+shutting down SSL\s+CONNECTION CLOSED/);
    expect(ossl.log()).not.toMatch(/ERROR|unexpected eof/i);
    expect(await s.closed).toBeUndefined();
  });

  test("the server closing first is an orderly close", async () => {
    const closer = await startTlsEcho({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
    extra.push(closer);
    const s = open(closer.port, tlsOk());
    await s.opened;
    // TLS 1.3: the client is open before the server has read its Finished; closing with that unread is a reset.
    await eventually(() => closer.seen.length === 1);
    await closer.close();
    expect(await s.closed).toBeUndefined();
  });

  test("5 MB from the server arrive whole", async () => {
    const s = open(echo.port, tlsOk());
    await s.opened;
    s.transport.write(new TextEncoder().encode("big:5000000\n"));
    await s.untilBytes(5000000);
    expect(s.receivedBytes()).toBe(5000000);
    expect(/^x+$/.test(s.received())).toBe(true);
    s.transport.destroy();
    await s.closed;
  });

  test("data written past the high-water mark drains and echoes back in order", async () => {
    const s = open(echo.port, tlsOk(), { highWaterMark: 65536 });
    await s.opened;
    // More than the kernel's send and receive buffers can absorb while this loop runs,
    // so the transport's own queue must pass the high-water mark on any machine.
    const block = new Uint8Array(Math.max(4 * 1024 * 1024, kernelBufferBytes() + 1024 * 1024) & ~(256 * 1024 - 1));
    for (let i = 0; i < block.length; i++) block[i] = 97 + (i % 26);
    let accepted = true;
    for (let at = 0; at < block.length; at += 256 * 1024) accepted = s.transport.write(block.subarray(at, at + 256 * 1024)) && accepted;
    expect(accepted).toBe(false);
    await s.untilBytes(block.length);
    expect(s.received()).toBe(Buffer.from(block).toString("latin1"));
    expect(s.drains()).toBeGreaterThanOrEqual(1);
    expect(s.transport.bufferedAmount).toBe(0);
    s.transport.destroy();
    await s.closed;
  });

  test("max fragment length (1024-byte records) still carries everything", async () => {
    const s = open(echo.port, tlsOk(), { maxFragmentLength: 1024 });
    await s.opened;
    s.transport.write(new TextEncoder().encode("big:100000\n"));
    await s.untilBytes(100000);
    expect(s.receivedBytes()).toBe(100000);
    s.transport.destroy();
    await s.closed;
  });

  test("pause() holds data back until resume(); writes before open are queued", async () => {
    const s = open(echo.port, tlsOk());
    s.transport.write(new TextEncoder().encode("early\n"));
    await s.opened;
    expect(await s.until((t) => t.includes("\n"))).toBe("early\n");
    s.transport.pause?.();
    s.transport.write(new TextEncoder().encode("big:100000\n"));
    await new Promise((r) => setTimeout(r, 200));
    expect(s.receivedBytes()).toBe(6);
    s.transport.resume?.();
    await s.untilBytes(6 + 100000);
    expect(s.receivedBytes()).toBe(6 + 100000);
    s.transport.destroy();
    await s.closed;
  });

  test("plain TCP (secure: false) goes through the same socket transport", async () => {
    const plain = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
    const port = (plain.address() as AddressInfo).port;
    const s = open(port, undefined, {}, { secure: false });
    await s.opened;
    s.transport.write(new TextEncoder().encode("clear\n"));
    expect(await s.until((t) => t.includes("\n"))).toBe("clear\n");
    s.transport.destroy();
    await s.closed;
    await new Promise<void>((r) => plain.close(() => r()));
  });
});

/** The largest send plus receive buffer a loopback TCP connection may grow to (Linux autotuning). */
function kernelBufferBytes(): number {
  const max = (file: string) => {
    try { return Number(readFileSync(file, "latin1").trim().split(/\s+/)[2]) || 0; } catch { return 0; }
  };
  return max("/proc/sys/net/ipv4/tcp_wmem") + max("/proc/sys/net/ipv4/tcp_rmem");
}
