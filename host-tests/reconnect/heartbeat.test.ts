import type { WebSocket as WsPeer, WebSocketServer } from "ws";
import { ReconnectingClient } from "../../modules/reconnecting/reconnecting";
import { ManualPlatform, constantBytes } from "../support/manual-platform";
import { startWsServer, type Started } from "../support/servers";
import type { Runtime } from "../../modules/endpoint/runtime";
import { NodeTransport } from "../../node/transport";
import { frame } from "../support/frames";
import { EventLog, manualRuntime, startBlackHole, waitFor, type HandshakeServer } from "./harness";

/** Real Node sockets; the test only counts the chunks that reach the client, to know when bytes have arrived. */
function countingRuntime(platform: ManualPlatform, counter: { chunks: number }): Runtime {
  return {
    platform,
    createTransport: () => {
      const transport = new NodeTransport();
      const connect = transport.connect.bind(transport);
      transport.connect = (target, events) => connect(target, {
        onOpen: () => events.onOpen(),
        onData: (chunk) => { counter.chunks++; events.onData(chunk); },
        onDrain: () => events.onDrain(),
        onClose: (error) => events.onClose(error),
      });
      return transport;
    },
  };
}

const PING = 9;

describe("heartbeat against a black hole (handshake done, then silence, TCP still open)", () => {
  let hole: HandshakeServer;
  beforeEach(async () => { hole = await startBlackHole(); });
  afterEach(() => hole.close());

  test("ping after keepAlive idle, no answer within keepAliveTimeout: 1006 'heartbeat timeout', then reconnect", async () => {
    const platform = new ManualPlatform({ random: constantBytes(0xff) });
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), hole.url, { keepAlive: 5000, keepAliveTimeout: 2000 }, log.listener);
    log.readyStateOf = () => rc.readyState;
    await waitFor(() => rc.online, "open");

    platform.advance(4999);
    platform.advance(1);
    await waitFor(() => hole.frames[0].length === 1, "the keep-alive ping");
    expect(hole.frames[0][0].opcode).toBe(PING);

    platform.advance(1999);
    expect(rc.online).toBe(true);
    platform.advance(1);
    // Dropped at once: no close handshake with a dead peer.
    expect(rc.readyState).toBe(2);
    await waitFor(() => log.count("reconnecting") === 1, "reconnecting");
    expect(log.events).toEqual(["open", "error HEARTBEAT_TIMEOUT", "close 1006 heartbeat timeout false", "reconnecting 1 999"]);
    expect(log.errors[0].message).toMatch(/heartbeat timeout/);
    expect(log.readyStateAtClose).toEqual([0]);
    await waitFor(() => hole.closedSockets === 1, "the server to see the socket closed");
    expect(hole.frames[0].map((f) => f.opcode)).toEqual([PING]); // no close frame: the link was dropped

    platform.advance(999);
    await waitFor(() => log.count("open") === 2, "the second open");
    rc.close(1000);
    // The black hole never answers our close either: the close timeout ends it, with its error.
    platform.advance(5000);
    await waitFor(() => rc.readyState === 3, "final close");
    expect(log.events.slice(4)).toEqual(["open", "error CLOSE_TIMEOUT", "close 1006 close handshake timed out false"]);
    expect(platform.pendingTimers).toBe(0);
  });

  test("keepAliveTimeout defaults to keepAlive", async () => {
    const platform = new ManualPlatform();
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), hole.url, { keepAlive: 3000, reconnect: false }, log.listener);
    await waitFor(() => rc.online, "open");
    platform.advance(3000);
    await waitFor(() => hole.frames[0].length === 1, "the keep-alive ping");
    platform.advance(2999);
    expect(rc.online).toBe(true);
    platform.advance(1);
    await waitFor(() => rc.readyState === 3, "close");
    expect(log.events).toEqual(["open", "error HEARTBEAT_TIMEOUT", "close 1006 heartbeat timeout false"]);
  });

  test("sends between the deadline and the socket's end are queued, not lost", async () => {
    const platform = new ManualPlatform({ random: constantBytes(0) });
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), hole.url, { keepAlive: 1000 }, log.listener);
    await waitFor(() => rc.online, "open");
    platform.advance(1000);
    platform.advance(1000);
    expect(rc.readyState).toBe(2);
    rc.send("kept");
    expect(rc.bufferedAmount).toBe(4);
    await waitFor(() => log.count("reconnecting") === 1, "reconnecting");
    platform.advance(0);
    await waitFor(() => hole.frames.length === 2 && hole.frames[1].length === 1, "the queued message on the new connection");
    expect(hole.frames[1][0].payload.toString()).toBe("kept");
    rc.close();
  });
  test("after the user's close() the close timeout, not the heartbeat, ends a dead link", async () => {
    const platform = new ManualPlatform();
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), hole.url, { keepAlive: 1000 }, log.listener);
    await waitFor(() => rc.online, "open");
    rc.close(1000, "bye");
    await waitFor(() => hole.frames[0].length === 1, "our close frame");
    platform.advance(4999);
    expect(rc.readyState).toBe(2);
    platform.advance(1);
    await waitFor(() => rc.readyState === 3, "close");
    expect(log.events).toEqual(["open", "error CLOSE_TIMEOUT", "close 1006 close handshake timed out false"]);
    expect(hole.frames[0].map((f) => f.opcode)).toEqual([8]); // no ping after close()
  });

  test("part of a large message arriving is proof of life, even before the message is whole", async () => {
    const platform = new ManualPlatform();
    const counter = { chunks: 0 };
    const log = new EventLog();
    const rc = new ReconnectingClient(countingRuntime(platform, counter), hole.url, { keepAlive: 1000 }, log.listener);
    await waitFor(() => rc.online, "open");
    platform.advance(1000);
    await waitFor(() => hole.frames[0].length === 1, "the keep-alive ping");
    const whole = frame(2, new Uint8Array(1000).fill(7));
    const before = counter.chunks;
    hole.sockets[0].write(whole.subarray(0, 104)); // header and 100 of 1000 payload bytes
    await waitFor(() => counter.chunks > before, "the first part to arrive");
    platform.advance(1000); // the deadline: data came, so no timeout (a second ping instead)
    expect(rc.online).toBe(true);
    hole.sockets[0].write(whole.subarray(104));
    await waitFor(() => log.messages.length === 1, "the whole message");
    expect((log.messages[0] as Uint8Array).length).toBe(1000);
    expect(log.errors).toEqual([]);
    rc.close();
  });
});

describe("heartbeat against a live ws server", () => {
  let server: Started<WebSocketServer>;
  let peers: WsPeer[];
  let pingsSeen: number[];
  beforeEach(async () => {
    peers = [];
    pingsSeen = [];
    server = await startWsServer({}, (peer) => {
      const index = peers.push(peer) - 1;
      pingsSeen[index] = 0;
      peer.on("ping", () => { pingsSeen[index]++; });
      peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
    });
  });
  afterEach(() => server.close());

  test("pongs keep the link up: a ping every keepAlive, never a timeout", async () => {
    const platform = new ManualPlatform();
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), server.url, { keepAlive: 5000, keepAliveTimeout: 1000 }, log.listener);
    await waitFor(() => rc.online, "open");
    platform.advance(5000); // t = 5000: first ping
    for (let n = 1; n <= 3; n++) {
      await waitFor(() => log.count("pong") === n, `pong ${n}`); // answered at t = 5000 n
      platform.advance(1000); // the deadline passes after the pong: nothing happens
      expect(rc.online).toBe(true);
      platform.advance(4000); // t = 5000 (n + 1): 5000 ms since the pong, next ping
    }
    await waitFor(() => pingsSeen[0] === 4, "the fourth ping");
    expect(log.events.slice(0, 4)).toEqual(["open", "pong", "pong", "pong"]);
    rc.close(1000);
    await waitFor(() => rc.readyState === 3, "close");
  });

  test("anything received counts: no ping while messages arrive within keepAlive", async () => {
    const platform = new ManualPlatform();
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), server.url, { keepAlive: 5000 }, log.listener);
    await waitFor(() => rc.online, "open");
    platform.advance(3000);
    peers[0].send("news");
    await waitFor(() => log.messages.length === 1, "the server's message");
    platform.advance(2000); // t = 5000, but the last data came at t = 3000: no ping yet
    // A probe echoed back proves the server has read everything sent before it, and no ping was among it.
    rc.send("probe");
    await waitFor(() => log.messages.length === 2, "the probe's echo");
    expect(pingsSeen[0]).toBe(0);
    platform.advance(4999); // t = 9999: the echo came at t = 5000, so not yet 5000 ms of silence
    rc.send("probe2");
    await waitFor(() => log.messages.length === 3, "the second probe's echo");
    expect(pingsSeen[0]).toBe(0);
    platform.advance(5000); // t = 14999: 5000 ms since the second echo at t = 9999
    await waitFor(() => pingsSeen[0] === 1, "the ping");
    rc.close();
    await waitFor(() => rc.readyState === 3, "close");
  });
});
