import { ReconnectingClient } from "../../modules/reconnecting/reconnecting";
import { ManualPlatform, constantBytes } from "../support/manual-platform";
import { killHard, spawnEchoServer, type ChildServer } from "./child-server";
import { EventLog, manualRuntime, waitFor } from "./harness";

let server: ChildServer | undefined;
afterEach(async () => { if (server) await killHard(server); server = undefined; });

describe("the server process is killed (-9) mid-stream and restarted on the same port", () => {
  test("1006, reconnecting, open again; sends made during the outage go out first, in order", async () => {
    server = await spawnEchoServer();
    const port = server.port;
    const platform = new ManualPlatform({ random: constantBytes(0xff) });
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`, {}, log.listener);
    log.readyStateOf = () => rc.readyState;
    const accepted: string[] = [];
    const send = (text: string) => { rc.send(text); accepted.push(text); };

    await waitFor(() => rc.online, "open");
    send("a");
    send("b");
    await waitFor(() => log.messages.length === 2, "echoes of a and b");
    rc.send("stream"); // the server answers with ticks until it dies; not echoed
    await waitFor(() => log.texts().filter((m) => m.startsWith("tick ")).length >= 5, "the stream");

    await killHard(server);
    await waitFor(() => log.count("reconnecting") === 1, "reconnecting after the kill");
    expect(rc.readyState).toBe(0);
    expect(rc.online).toBe(false);
    expect(log.readyStateAtClose).toEqual([0]);
    // Ticks arrived in order, without gaps, up to the kill.
    const ticks = log.texts().filter((m) => m.startsWith("tick "));
    expect(ticks).toEqual(ticks.map((_, i) => `tick ${i}`));

    // While the server is down: sends are queued, in bufferedAmount.
    send("q1");
    send("q2");
    rc.send(new Uint8Array([1, 2, 3]));
    expect(rc.bufferedAmount).toBe(7);

    server = await spawnEchoServer(port);
    log.onOpenHook = () => send("after-open"); // sent from onOpen: must still follow the queue
    platform.advance(log.delays[0]);
    await waitFor(() => log.count("open") === 2, "open again");
    expect(rc.bufferedAmount).toBe(0);
    await waitFor(() => log.messages.length === ticks.length + 2 + 4, "the echoes after the restart");
    const afterRestart = log.messages.slice(2 + ticks.length);
    expect(afterRestart.slice(0, 2)).toEqual(["q1", "q2"]);
    expect(Array.from(afterRestart[2] as Uint8Array)).toEqual([1, 2, 3]);
    expect(afterRestart[3]).toBe("after-open");

    expect(log.flow).toEqual(["open", "close 1006 false", "reconnecting 1 999", "open"]);
    // Every text accepted by send came back from a server, and nothing was reported lost.
    for (const text of accepted) expect(log.texts()).toContain(text);
    expect(log.undelivered).toEqual([]);
    // If the OS reported the dead peer as an error, it is the right one.
    for (const error of log.errors) expect(error.code).toBe("CONNECTION_LOST");

    rc.close(1000, "done");
    await waitFor(() => rc.readyState === 3, "final close");
    expect(log.flow.at(-1)).toBe("close 1000 done true");
    expect(platform.pendingTimers).toBe(0);
  });

  test("killed while down for several attempts: retries escalate until the restart, the queue survives", async () => {
    server = await spawnEchoServer();
    const port = server.port;
    const platform = new ManualPlatform({ random: constantBytes(0xff) });
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), `ws://127.0.0.1:${port}`,
      { reconnect: { baseDelay: 200, maxDelay: 1000 } }, log.listener);
    await waitFor(() => rc.online, "open");
    await killHard(server);
    await waitFor(() => log.count("reconnecting") === 1, "reconnecting 1");
    rc.send("queued while down");
    for (let n = 1; n <= 3; n++) {
      platform.advance(log.delays[n - 1]);
      await waitFor(() => log.count("reconnecting") === n + 1, `reconnecting ${n + 1}`);
    }
    expect(log.delays).toEqual([199, 399, 799, 999]);
    server = await spawnEchoServer(port);
    platform.advance(log.delays[3]);
    await waitFor(() => log.messages.length === 1, "the queued message's echo");
    expect(log.messages).toEqual(["queued while down"]);
    expect(log.flow).toEqual([
      "open", "close 1006 false", "reconnecting 1 199",
      "error CONNECTION_FAILED", "close 1006 false", "reconnecting 2 399",
      "error CONNECTION_FAILED", "close 1006 false", "reconnecting 3 799",
      "error CONNECTION_FAILED", "close 1006 false", "reconnecting 4 999",
      "open",
    ]);
    rc.close();
    await waitFor(() => rc.readyState === 3, "final close");
  });
});
