/** Per-file set-up shared by the engine tests: one engine (Node or XS) and a fresh `ws` echo server per test. */
import type { WebSocketServer, WebSocket as WsPeer } from "ws";
import type { Engine } from "./engines";
import { startWsServer, type Started } from "./servers";

export interface EngineEcho {
  engine: Engine;
  server: Started<WebSocketServer>;
  /** The server side of each connection, in order. */
  peers: WsPeer[];
}

/** Registers the jest hooks; read the fields inside tests. */
export function useEngineWithEchoServer(makeEngine: () => Engine): EngineEcho {
  const ctx = { peers: [] } as unknown as EngineEcho;
  beforeAll(async () => {
    ctx.engine = makeEngine();
    await ctx.engine.start();
  });
  afterAll(async () => {
    await ctx.engine.stop();
  });
  beforeEach(async () => {
    ctx.peers = [];
    ctx.server = await startWsServer({}, (peer) => {
      ctx.peers.push(peer);
      peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
    });
  });
  afterEach(async () => {
    await ctx.server.close();
    expect(ctx.engine.uncaught()).toEqual([]);
  });
  return ctx;
}
