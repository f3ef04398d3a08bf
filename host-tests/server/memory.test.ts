/**
 * What one open server connection holds, our objects only (ServerSocket,
 * ServerPeer, ServerConnection, receiver, request headers), measured over a
 * channel that drops bytes: on Node in bytes of V8 heap, on XS in slots from
 * xsnap's meters. Sockets (net.Socket on Node, lwIP buffers on a device)
 * come on top; docs/server.md gives the totals. The figures are printed and
 * bounded loosely, so a leak or a blow-up fails, not a small change.
 */
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ServerSocket } from "../../modules/api/server-socket";
import { nodePlatform } from "../../node/platform";
import { XsSimulator } from "../xs/simulator";
import { NullChannel, handshakeBytes } from "./fixtures/null-channel";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const COUNT = 400;

test("Node: bytes of heap per open server connection (our objects)", () => {
  const held: ServerSocket[] = [];
  const channels: NullChannel[] = [];
  const before = heapAfterGc();
  for (let i = 0; i < COUNT; i++) {
    const channel = new NullChannel();
    const socket = new ServerSocket(nodePlatform, channel, { handshakeTimeout: 600000 });
    channel.events?.onData(handshakeBytes());
    expect(socket.readyState).toBe(1);
    held.push(socket);
    channels.push(channel);
  }
  const perConnection = Math.round((heapAfterGc() - before) / COUNT);
  console.log(`server connection on Node: ~${perConnection} bytes of V8 heap each (${COUNT} open)`);
  expect(perConnection).toBeGreaterThan(200);
  expect(perConnection).toBeLessThan(32 * 1024);
  // The transport goes away: every connection ends (1006) and stops its timers.
  for (const c of channels) c.end();
  expect(held.every((s) => s.readyState === 3)).toBe(true);
});

test("XS: slots per open server connection (our objects)", async () => {
  const sim = await XsSimulator.start(path.join(__dirname, "fixtures/xs-memory.ts"));
  try {
    const base = (await sim.heap()).currentHeapCount;
    const n = 20;
    expect((await sim.call("open", [n])).result).toBe(n);
    const open = (await sim.heap()).currentHeapCount;
    await sim.call("drop");
    const dropped = (await sim.heap()).currentHeapCount;
    const perConnection = Math.round((open - base) / n);
    console.log(`server connection on XS: ~${perConnection} slots each (${n} open; ${perConnection * 16} bytes at 16 bytes/slot on ESP32), ${dropped - base} slots left after dropping them`);
    expect(perConnection).toBeGreaterThan(10);
    expect(perConnection).toBeLessThan(4000);
    // Dropped connections are collectable: what stays is bounded by one connection's worth, not n.
    expect(dropped - base).toBeLessThan(perConnection * 2);
    expect(sim.bridge.uncaught).toEqual([]);
  } finally {
    await sim.stop();
  }
}, 60000);
