/**
 * What one open server connection holds, our objects only (ServerSocket,
 * ServerPeer, ServerConnection, receiver, request headers), measured over a
 * channel that drops bytes: on Node in bytes of V8 heap, on XS in slots from
 * xsnap's meters. Sockets (net.Socket on Node, lwIP buffers on a device)
 * come on top; docs/server.md gives the totals. The figures are printed and
 * bounded loosely, so a leak or a blow-up fails, not a small change.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { XsSimulator } from "../../simulator/simulator";

test("Node: bytes of heap per open server connection (our objects), in a fresh process", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ws-memory-"));
  try {
    const outfile = path.join(dir, "probe.js");
    await build({ entryPoints: [path.join(__dirname, "fixtures/node-memory-probe.ts")], bundle: true, platform: "node", outfile, logLevel: "silent" });
    const out = JSON.parse(execFileSync(process.execPath, ["--expose-gc", outfile, "1000"], { encoding: "utf8", timeout: 60000 })) as { perConnection: number; closed: boolean };
    console.log(`server connection on Node: ~${out.perConnection} bytes of V8 heap each (1000 open)`);
    expect(out.closed).toBe(true);
    expect(out.perConnection).toBeGreaterThan(200);
    expect(out.perConnection).toBeLessThan(32 * 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60000);

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
    // XS counts are deterministic: 198 slots while each peer had its own framing options, 177 since
    // peers with the same limits share one frozen object. New per-connection state must raise this.
    expect(perConnection).toBeLessThanOrEqual(177);
    // Dropped connections are collectable: what stays is bounded by one connection's worth, not n.
    expect(dropped - base).toBeLessThan(perConnection * 2);
    expect(sim.bridge.uncaught).toEqual([]);
  } finally {
    await sim.stop();
  }
}, 60000);
