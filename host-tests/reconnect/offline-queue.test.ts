import type { WebSocket as WsPeer, WebSocketServer } from "ws";
import { ReconnectingClient, type ReconnectOptions } from "../../modules/reconnecting/reconnecting";
import { ManualPlatform, constantBytes } from "../support/manual-platform";
import { closedPort, startWsServer, type Started } from "../support/servers";
import { EventLog, manualRuntime, waitFor } from "./harness";

let server: Started<WebSocketServer> | undefined;
let peers: WsPeer[];
afterEach(async () => { await server?.close(); server = undefined; });

/** A client on a port that refuses until `up()` starts an echo server there and the next retry runs. */
async function offlineClient(options: ReconnectOptions) {
  const port = await closedPort();
  const platform = new ManualPlatform({ random: constantBytes(0) });
  const log = new EventLog();
  const rc = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`, options, log.listener);
  log.readyStateOf = () => rc.readyState;
  await waitFor(() => log.count("reconnecting") === 1, "the first retry");
  const up = async () => {
    peers = [];
    server = await startWsServer({ port }, (peer) => {
      peers.push(peer);
      peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
    });
    platform.advance(0);
    await waitFor(() => rc.online, "open");
  };
  return { rc, log, platform, up };
}

describe("sending while disconnected", () => {
  test("queue up to maxBytes: what overflows is reported at once, the rest goes out in order", async () => {
    const { rc, log, up } = await offlineClient({ offline: { maxBytes: 10 } });
    rc.send("12345");
    rc.send("123456"); // 6 more bytes do not fit in the 5 left
    rc.send("é€");     // 2 + 3 UTF-8 bytes: fits exactly
    expect(rc.bufferedAmount).toBe(10);
    expect(log.undelivered).toHaveLength(1);
    expect(log.undelivered[0]).toEqual({ count: 1, bytes: 6, reason: expect.stringMatching(/offline queue full/) });
    await up();
    await waitFor(() => log.messages.length === 2, "the echoes");
    expect(log.messages).toEqual(["12345", "é€"]);
    expect(rc.bufferedAmount).toBe(0);
    rc.close();
  });

  test("queued binary data is copied: reusing the buffer after send() changes nothing", async () => {
    const { rc, log, up } = await offlineClient({});
    const buffer = new Uint8Array([1, 2, 3, 4]);
    rc.send(buffer.subarray(1, 3));
    buffer.fill(9);
    await up();
    await waitFor(() => log.messages.length === 1, "the echo");
    expect(Array.from(log.messages[0] as Uint8Array)).toEqual([2, 3]);
    rc.close();
  });

  test('offline: "reject" throws SEND_FAILED while disconnected and sends normally once open', async () => {
    const { rc, log, up } = await offlineClient({ offline: "reject" });
    expect(() => rc.send("now")).toThrow(expect.objectContaining({ code: "SEND_FAILED", message: expect.stringMatching(/not connected/) }));
    expect(rc.bufferedAmount).toBe(0);
    await up();
    rc.send("later");
    await waitFor(() => log.messages.length === 1, "the echo");
    expect(log.messages).toEqual(["later"]);
    expect(log.undelivered).toEqual([]);
    rc.close();
  });

  test("close() while waiting to retry: ABORTED, the queue reported, CLOSED, no timer left; send() after it throws", async () => {
    const { rc, log, platform } = await offlineClient({});
    rc.send("one");
    rc.send(new Uint8Array(7));
    rc.close();
    expect(rc.readyState).toBe(3);
    expect(log.events).toEqual([
      "error CONNECTION_FAILED", "close 1006 false", "reconnecting 1 0",
      "error ABORTED", "undelivered 2 10", "close 1006 false",
    ]);
    expect(log.undelivered[0].reason).toMatch(/closed by the user/);
    expect(log.readyStateAtClose).toEqual([0, 3]);
    expect(platform.pendingTimers).toBe(0);
    expect(() => rc.send("x")).toThrow(expect.objectContaining({ code: "INVALID_STATE" }));
    rc.close(); // a second close is harmless
    expect(log.events).toHaveLength(6);
  });

  test("close() from inside onClose stops the reconnect that was about to be announced", async () => {
    const port = await closedPort();
    const platform = new ManualPlatform();
    const log = new EventLog();
    const rc: ReconnectingClient = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`, {}, {
      ...log.listener,
      onClose: (code, reason, wasClean) => { log.listener.onClose!(code, reason, wasClean); rc.close(); },
    });
    await waitFor(() => rc.readyState === 3, "close");
    // The final close arrives nested inside the first onClose; no "reconnecting" follows.
    expect(log.events).toEqual(["error CONNECTION_FAILED", "close 1006 false", "error ABORTED", "close 1006 false"]);
    expect(platform.pendingTimers).toBe(0);
  });

  test("sendFrame: data frames queue (a fragmented message arrives whole), control frames do not", async () => {
    const { rc, log, up } = await offlineClient({});
    rc.sendFrame(false, 1, "frag");
    rc.sendFrame(true, 0, "mented");
    expect(() => rc.sendFrame(true, 9, "ping")).toThrow(expect.objectContaining({ code: "SEND_FAILED" }));
    expect(() => rc.sendFrame(true, 3, "x")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => rc.sendFrame(true, 8, "")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(rc.ping()).toBe(false);
    await up();
    await waitFor(() => log.messages.length === 1, "the echo");
    expect(log.messages).toEqual(["fragmented"]);
    expect(rc.ping("p")).toBe(true);
    await waitFor(() => log.count("pong") === 1, "pong");
    rc.close();
  });

  test("a queued continuation whose message began on a lost connection is reported, later sends still go out", async () => {
    const { rc, log, platform, up } = await offlineClient({});
    await up();
    rc.sendFrame(false, 1, "begun on the old link");
    peers[0].terminate();
    await waitFor(() => log.count("reconnecting") === 2, "reconnecting after the drop");
    rc.sendFrame(true, 0, "tail");
    rc.send("whole");
    platform.advance(log.delays[1]);
    await waitFor(() => log.count("open") === 2 && log.messages.length === 1, "the second open and the echo");
    expect(log.messages).toEqual(["whole"]);
    expect(log.undelivered).toEqual([{ count: 1, bytes: 4, reason: expect.stringMatching(/queued frame rejected: continuation/) }]);
    rc.close();
  });
});

describe("option checks", () => {
  const platform = new ManualPlatform();
  test.each([
    [{ reconnect: { baseDelay: -1 } }, /reconnect.baseDelay/],
    [{ reconnect: { maxDelay: Infinity } }, /reconnect.maxDelay/],
    [{ reconnect: { maxAttempts: 1.5 } }, /reconnect.maxAttempts/],
    [{ reconnect: { onCloseCodes: [1006, 99] } }, /onCloseCodes/],
    [{ keepAlive: Number.NaN }, /keepAlive/],
    [{ keepAlive: 1000, keepAliveTimeout: 0 }, /keepAliveTimeout/],
    [{ offline: { maxBytes: -5 } }, /offline.maxBytes/],
    [{ offline: "drop" }, /offline/],
  ])("%j is refused with INVALID_ARGUMENT", (options, message) => {
    expect(() => new ReconnectingClient(manualRuntime(platform), "ws://127.0.0.1:1", options as ReconnectOptions, {}))
      .toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(message) }));
    expect(platform.pendingTimers).toBe(0); // nothing was started
  });

  test("a bad URL throws like Client does", () => {
    expect(() => new ReconnectingClient(manualRuntime(platform), "http://127.0.0.1:1", {}, {}))
      .toThrow(expect.objectContaining({ code: "INVALID_URL" }));
  });
});
