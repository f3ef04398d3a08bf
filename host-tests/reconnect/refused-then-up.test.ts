import type { WebSocketServer } from "ws";
import { ReconnectingClient } from "../../modules/reconnecting/reconnecting";
import { ManualPlatform, constantBytes } from "../support/manual-platform";
import { closedPort, startWsServer, type Started } from "../support/servers";
import { EventLog, manualRuntime, waitFor } from "./harness";

let server: Started<WebSocketServer> | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

/** Wait for the next onReconnecting and check the retry timer is armed for exactly the delay it announced. */
async function nextRetry(log: EventLog, platform: ManualPlatform, n: number): Promise<number> {
  await waitFor(() => log.count("reconnecting") === n, `reconnect announcement ${n}`);
  const delay = log.delays[n - 1];
  expect(platform.pendingTimers).toBe(1);
  expect(platform.nextTimerIn()).toBe(delay);
  return delay;
}

describe("a port that refuses connections, then comes up", () => {
  test("backoff doubles up to the cap (jitter factor just under 1), then the client opens", async () => {
    const port = await closedPort();
    const platform = new ManualPlatform({ random: constantBytes(0xff) });
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`,
      { reconnect: { baseDelay: 1000, maxDelay: 8000 } }, log.listener);
    log.readyStateOf = () => rc.readyState;

    const expected = [999, 1999, 3999, 7999, 7999, 7999];
    for (let n = 1; n <= expected.length; n++) {
      const delay = await nextRetry(log, platform, n);
      expect(delay).toBe(expected[n - 1]);
      expect(rc.attempt).toBe(n);
      expect(rc.readyState).toBe(0);
      expect(rc.online).toBe(false);
      if (n === expected.length) server = await startWsServer({ port });
      platform.advance(delay);
    }
    await waitFor(() => log.count("open") === 1, "open");
    expect(rc.online).toBe(true);

    const failures = expected.flatMap((d, i) => ["error CONNECTION_FAILED", "close 1006 false", `reconnecting ${i + 1} ${d}`]);
    expect(log.events).toEqual([...failures, "open"]);
    // While waiting to retry, readyState said CONNECTING even inside onClose.
    expect(log.readyStateAtClose).toEqual(expected.map(() => 0));

    rc.send("hello");
    await waitFor(() => log.messages.length === 1, "echo");
    expect(log.messages).toEqual(["hello"]);
    rc.close(1000);
    await waitFor(() => rc.readyState === 3, "final close");
    expect(log.events.at(-1)).toBe("close 1000 true");
    expect(platform.pendingTimers).toBe(0);
  });

  test("full jitter reaches down to 0 (random bytes all zero)", async () => {
    const port = await closedPort();
    const platform = new ManualPlatform({ random: constantBytes(0) });
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`, {}, log.listener);
    for (let n = 1; n <= 3; n++) {
      expect(await nextRetry(log, platform, n)).toBe(0);
      platform.advance(0);
    }
    // close() while an attempt is connecting aborts it, as Client does: CLOSING until the socket is gone.
    rc.close();
    expect(rc.readyState).toBe(2);
    await waitFor(() => rc.readyState === 3, "close");
    expect(log.events.slice(-2)).toEqual(["error ABORTED", "close 1006 false"]);
    expect(platform.pendingTimers).toBe(0);
  });

  test("with real randomness every delay stays under its cap, and the defaults are base 1000 / cap 30000", async () => {
    const port = await closedPort();
    const platform = new ManualPlatform();
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`, {}, log.listener);
    const caps = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];
    for (let n = 1; n <= caps.length; n++) {
      const delay = await nextRetry(log, platform, n);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(caps[n - 1]);
      platform.advance(delay);
    }
    rc.close();
  });

  test("maxAttempts: gives up, reports what was queued, ends CLOSED with no timer left", async () => {
    const port = await closedPort();
    // Bytes 0x80808080 / 2^32 = 0.50196: delays 501 and 1003.
    const platform = new ManualPlatform({ random: constantBytes(0x80) });
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`,
      { reconnect: { maxAttempts: 2 } }, log.listener);
    log.readyStateOf = () => rc.readyState;
    rc.send("first");
    rc.send(new Uint8Array(10));
    expect(rc.bufferedAmount).toBe(15);
    for (let n = 1; n <= 2; n++) platform.advance(await nextRetry(log, platform, n));
    await waitFor(() => rc.readyState === 3, "giving up");
    expect(log.events).toEqual([
      "error CONNECTION_FAILED", "close 1006 false", "reconnecting 1 501",
      "error CONNECTION_FAILED", "close 1006 false", "reconnecting 2 1003",
      "error CONNECTION_FAILED", "undelivered 2 15", "close 1006 false",
    ]);
    expect(log.undelivered[0].reason).toMatch(/gave up after 2 reconnect attempts/);
    expect(log.readyStateAtClose).toEqual([0, 0, 3]);
    expect(platform.pendingTimers).toBe(0);
    expect(() => rc.send("late")).toThrow(expect.objectContaining({ code: "INVALID_STATE" }));
  });

  test("reconnect: false ends at the first failure", async () => {
    const port = await closedPort();
    const platform = new ManualPlatform();
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`, { reconnect: false }, log.listener);
    await waitFor(() => rc.readyState === 3, "close");
    expect(log.events).toEqual(["error CONNECTION_FAILED", "close 1006 false"]);
    expect(platform.pendingTimers).toBe(0);
  });
});
