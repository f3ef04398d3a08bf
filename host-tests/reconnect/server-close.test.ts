import type { WebSocket as WsPeer, WebSocketServer } from "ws";
import { ReconnectingClient, type ReconnectOptions } from "../../modules/reconnecting/reconnecting";
import { ManualPlatform, constantBytes } from "../support/manual-platform";
import { startWsServer, type Started } from "../support/servers";
import { EventLog, manualRuntime, waitFor } from "./harness";

/** A ws server that closes the n-th connection with codes[n] (then echoes, once the list runs out). */
async function closingServer(codes: number[]): Promise<Started<WebSocketServer> & { peers: WsPeer[] }> {
  const peers: WsPeer[] = [];
  const started = await startWsServer({}, (peer) => {
    const n = peers.push(peer) - 1;
    peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
    if (n < codes.length) peer.close(codes[n], `going away ${codes[n]}`);
  });
  return Object.assign(started, { peers });
}

let server: (Started<WebSocketServer> & { peers: WsPeer[] }) | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function run(codes: number[], options: ReconnectOptions, platform = new ManualPlatform({ random: constantBytes(0xff) })) {
  server = await closingServer(codes);
  const log = new EventLog();
  const rc = new ReconnectingClient(manualRuntime(platform), server.url, options, log.listener);
  log.readyStateOf = () => rc.readyState;
  return { rc, log, platform };
}

describe("server closes", () => {
  test("1001 then 1012: clean closes, reconnect after each, backoff keeps growing (connections were short)", async () => {
    const { rc, log, platform } = await run([1001, 1012], {});
    await waitFor(() => log.count("reconnecting") === 1, "reconnecting after 1001");
    platform.advance(log.delays[0]);
    await waitFor(() => log.count("reconnecting") === 2, "reconnecting after 1012");
    platform.advance(log.delays[1]);
    await waitFor(() => log.count("open") === 3, "the third open");
    expect(log.events).toEqual([
      "open", "close 1001 going away 1001 true", "reconnecting 1 999",
      "open", "close 1012 going away 1012 true", "reconnecting 2 1999",
      "open",
    ]);
    expect(log.readyStateAtClose).toEqual([0, 0]);
    expect(rc.attempt).toBe(2);
    rc.close(1000);
    await waitFor(() => rc.readyState === 3, "final close");
    expect(log.readyStateAtClose).toEqual([0, 0, 3]);
  });

  test("a connection that stayed open resetAfter ms resets the backoff", async () => {
    const { rc, log, platform } = await run([1001], { reconnect: { resetAfter: 10000 } });
    await waitFor(() => log.count("reconnecting") === 1, "reconnecting after 1001");
    platform.advance(log.delays[0]);
    await waitFor(() => log.count("open") === 2, "open again");
    platform.advance(10000);
    server!.peers[1].close(1011, "oops");
    await waitFor(() => log.count("reconnecting") === 2, "reconnecting after 1011");
    expect(log.events.slice(3)).toEqual(["open", "close 1011 oops true", "reconnecting 1 999"]);
    platform.advance(log.delays[1]);
    await waitFor(() => log.count("open") === 3, "open a third time");
    // Shorter than resetAfter: no reset.
    platform.advance(9999);
    server!.peers[2].close(1013, "later");
    await waitFor(() => log.count("reconnecting") === 3, "reconnecting after 1013");
    expect(log.events.slice(6)).toEqual(["open", "close 1013 later true", "reconnecting 2 1999"]);
    rc.close();
  });

  test("1000 from the server is final: no reconnect, readyState CLOSED inside onClose", async () => {
    const { rc, log, platform } = await run([1000], {});
    await waitFor(() => rc.readyState === 3, "close");
    expect(log.events).toEqual(["open", "close 1000 going away 1000 true"]);
    expect(log.readyStateAtClose).toEqual([3]);
    expect(platform.pendingTimers).toBe(0);
  });

  test("onCloseCodes decides: [] makes 1001 final, [4000] makes 4000 reconnect", async () => {
    const first = await run([1001], { reconnect: { onCloseCodes: [] } });
    await waitFor(() => first.rc.readyState === 3, "close");
    expect(first.log.events).toEqual(["open", "close 1001 going away 1001 true"]);
    await server!.close();

    const second = await run([4000], { reconnect: { onCloseCodes: [4000] } });
    await waitFor(() => second.log.count("reconnecting") === 1, "reconnecting after 4000");
    expect(second.log.events).toEqual(["open", "close 4000 going away 4000 true", "reconnecting 1 999"]);
    second.rc.close();
    expect(second.rc.readyState).toBe(3);
  });

  test("sends during the server's closing handshake are queued and go out after the reconnect", async () => {
    const platform = new ManualPlatform({ random: constantBytes(0) });
    server = await closingServer([]);
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), server.url, {}, log.listener);
    await waitFor(() => rc.online, "open");
    server.peers[0].close(1012, "restart");
    await waitFor(() => rc.readyState !== 1, "the close frame");
    rc.send("during close");
    await waitFor(() => log.count("reconnecting") === 1, "reconnecting");
    platform.advance(0);
    await waitFor(() => log.messages.length === 1, "the echo on the new connection");
    expect(log.messages).toEqual(["during close"]);
    expect(log.undelivered).toEqual([]);
    rc.close();
  });
});
