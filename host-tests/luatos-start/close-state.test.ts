/**
 * examples/luatos-start tells, in its close handler, whether start() will
 * reconnect: `ws.state()` there is not "CLOSED" between attempts, and is
 * "CLOSED" on the close that ends the loop (websocket.exit(ws)). Issue 17 §6:
 * the example used to print "start() reconnects" on that last close too.
 */
import { luatos as websocket } from "../../node/seeds";
import { startPeer, until, type Peer } from "../api/servers";

let peer: Peer;
beforeEach(async () => { peer = await startPeer(); });
afterEach(async () => { await peer.close(); });

test("state() inside the close handler: reconnecting after a drop, CLOSED after exit()", async () => {
  const ws = websocket.new(peer.url);
  const seen: string[] = [];
  let opens = 0;
  ws.on("open", () => { opens++; });
  ws.on("close", (code) => { seen.push(`${code} ${ws.state()}`); });
  const ended = ws.start(30, () => undefined, 20);
  await until(() => opens === 1);
  peer.sockets[0].terminate(); // the link drops: start() reconnects
  await until(() => opens === 2);
  websocket.exit(ws);
  await ended;
  expect(seen).toHaveLength(2);
  expect(seen[0]).toMatch(/^1006 /);
  expect(seen[0]).not.toMatch(/CLOSED$/);
  expect(seen[1]).toBe("1000 CLOSED");
});
