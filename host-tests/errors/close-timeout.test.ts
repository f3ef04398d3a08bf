/**
 * CLOSE_TIMEOUT: after our close frame, a peer that never answers it (a `ws`
 * server whose socket stops reading, TCP still open) ends the connection at
 * closeTimeout with one CLOSE_TIMEOUT error, then close 1006 not clean. On
 * both engines through the Client, and through every facade on Node: seed
 * 000 as WS_RECV_DATA_ERR, fibjs and LuatOS as their error; the browser
 * WebSocket fires no error event (WHATWG has none for it) and closes 1006.
 */
import type { WebSocket as WsPeer } from "ws";
import { WebSocket } from "../../node/index";
import { fibjs, luatos, websocket } from "../../node/seeds";
import { WS_RECV_DATA_ERR } from "../../modules/api/connect";
import type { WebSocketError } from "../../modules/core/errors";
import { engines } from "../support/engines";
import { useEngineWithEchoServer } from "../support/engine-echo";
import { startPeer, type Peer } from "../api/servers";

/** The server stops reading: our close frame is never seen, so never answered; TCP stays open. */
function deaf(peer: WsPeer): void {
  (peer as unknown as { _socket: { pause(): void } })._socket.pause();
}

describe.each(engines)("Client on %s", (_name, makeEngine) => {
  const ctx = useEngineWithEchoServer(makeEngine);

  test("a peer that never answers our close: one CLOSE_TIMEOUT error, then close 1006, not clean", async () => {
    const client = await ctx.engine.open(ctx.server.url, { closeTimeout: 150 });
    await client.next("open");
    deaf(ctx.peers[0]);
    await client.close(1000, "bye");
    const closed = await client.next("close", 5000);
    expect(closed).toEqual({ type: "close", code: 1006, reason: "close handshake timed out", wasClean: false });
    expect(client.log.events.map((e) => (e.type === "error" ? `error ${e.code}` : e.type))).toEqual(["open", "error CLOSE_TIMEOUT", "close"]);
  });

  test("a peer that answers our close: no error, clean", async () => {
    const client = await ctx.engine.open(ctx.server.url, { closeTimeout: 150 });
    await client.next("open");
    await client.close(1000, "bye");
    expect(await client.next("close", 5000)).toEqual({ type: "close", code: 1000, reason: "bye", wasClean: true });
    expect(client.all("error")).toEqual([]);
  });
});

describe("the facades on Node", () => {
  let peer: Peer;
  beforeEach(async () => { peer = await startPeer({ onConnection: deaf }); });
  afterEach(async () => { await peer.close(); });

  test("seed 000 connect(): WS_RECV_DATA_ERR with code CLOSE_TIMEOUT, then close 1006", async () => {
    const client = websocket.connect(peer.url, "", undefined, { closeTimeout: 100 });
    const seen: string[] = [];
    client.on("open", () => { seen.push("open"); client.close(1000); });
    client.on("error", (e) => seen.push(`${e.name} ${e.code} ${e.state === WS_RECV_DATA_ERR} ${e.message}`));
    await new Promise<void>((resolve) => client.on("close", (c) => { seen.push(`close ${c.code} ${c.wasClean}`); resolve(); }));
    expect(seen).toEqual(["open", "WS_RECV_DATA_ERR CLOSE_TIMEOUT true the peer did not answer our close frame within 100 ms (closeTimeout)", "close 1006 false"]);
  });

  test("fibjs ws.Socket: error CLOSE_TIMEOUT, then close 1006", async () => {
    const s = new fibjs.Socket(peer.url, { closeTimeout: 100 });
    const seen: string[] = [];
    s.on("open", () => { seen.push("open"); s.close(); });
    s.on("error", (e) => seen.push(`error ${e.error.code}`));
    await new Promise<void>((resolve) => s.on("close", (e) => { seen.push(`close ${e.code} ${e.wasClean}`); resolve(); }));
    expect(seen).toEqual(["open", "error CLOSE_TIMEOUT", "close 1006 false"]);
  });

  test("LuatOS: the error callback gets CLOSE_TIMEOUT", async () => {
    const ws = luatos.new(peer.url, null, { closeTimeout: 100 });
    const errors: string[] = [];
    ws.on("error", (message: unknown, error: unknown) => errors.push(`${(error as WebSocketError).code} ${String(message)}`));
    expect(await ws.connect(5000)).toBe(true);
    const closed = new Promise<void>((resolve) => ws.on("close", () => resolve()));
    ws.close();
    await closed;
    expect(errors).toEqual(["CLOSE_TIMEOUT the peer did not answer our close frame within 100 ms (closeTimeout)"]);
  });

  test("browser WebSocket: no error event (WHATWG has none for a slow close), close 1006 not clean", async () => {
    const ws = new WebSocket(peer.url, [], { closeTimeout: 100 });
    const seen: string[] = [];
    ws.onopen = () => { seen.push("open"); ws.close(1000); };
    ws.onerror = (e) => seen.push(`error ${e.error.code}`);
    await new Promise<void>((resolve) => { ws.onclose = (e) => { seen.push(`close ${e.code} ${e.wasClean}`); resolve(); }; });
    expect(seen).toEqual(["open", "close 1006 false"]);
  });
});
