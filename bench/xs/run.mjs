// The XS half of `npm run bench`: Moddable's XS engine (xsnap-worker from
// @agoric/xsnap) driven through the project's host simulator (host-tests/xs).
//   node bench/xs/run.mjs [--quick] [--no-write]
// Figures:
// - heap held by one open idle connection (a real Client on the device runtime,
//   ECMA-419 TCP through the simulator, to a ws echo server on 127.0.0.1), from
//   XS snapshots taken before and after (live chunks and slots after a collection);
// - slots allocated per message received / sent (xsnap's meter counts slots
//   allocated since the last collection; measured at two message counts so the
//   call's own overhead cancels), and chunk bytes a kept message holds;
// - decode and encode speed inside XS (performance.now around the core fed
//   from memory; xsnap runs with metering on, so a device-class figure it is not);
// - wss (wss.mjs): heap held by one idle wss connection on the device's own
//   configuration, and the C heap mbedTLS holds for it in this process, counted
//   by bench/xs/native-heap.c (this script re-runs itself with it preloaded).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WebSocketServer } from "ws";
import { buildOurs, OUT, sourceFromArgs } from "../build-ours.mjs";
import { replaceSection } from "../report.mjs";
import { median } from "../stats.mjs";
import { loadSimulator } from "./load-simulator.mjs";
import { withHeapCounter } from "./native-heap.mjs";
import { measureWss, wssLines } from "./wss.mjs";

// First of all: this script re-runs itself with the native heap counter preloaded (null: not available).
const counter = withHeapCounter();

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const write = !args.includes("--no-write") && !quick;
const SLOT = 32; // bytes per XS slot on a 64-bit host (16 on ESP32)
const ESP32_SLOT = 16;
const snapFile = path.join(os.tmpdir(), `ws-bench-${process.pid}.xs-snapshot`);

const { XsSimulator } = await loadSimulator();
const harnessEvents = [];
const waiters = [];
// The device script runs against the same sources as the Node half: the
// committed HEAD (or --rev) exported to .bench-out/src, unless --working-tree.
// --device=<file> runs a device script from another tree (experiments on a copy).
const source = sourceFromArgs(args);
const built = await buildOurs(source);
function deviceEntry(name, given) {
  if (given) return given;
  if (source.workingTree) return `bench/xs/${name}`;
  const dir = path.join(OUT, "src/bench/xs");
  mkdirSync(dir, { recursive: true });
  copyFileSync(`bench/xs/${name}`, path.join(dir, name));
  copyFileSync("bench/xs/probe.ts", path.join(dir, "probe.ts")); // the listener class both device scripts import
  // The simulator's shims must be the very modules the simulator maps Moddable's specifiers to.
  if (!existsSync(path.join(OUT, "src/host-tests"))) symlinkSync(path.resolve("host-tests"), path.join(OUT, "src/host-tests"));
  return path.join(dir, name);
}
const device = deviceEntry("device.ts", args.find((a) => a.startsWith("--device="))?.slice(9));
const sim = await XsSimulator.start(path.resolve(device), {
  onHarnessEvent: (header) => {
    harnessEvents.push(header);
    for (const w of [...waiters]) if (w.test(header)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(header); }
  },
});

function waitEvent(test, what) {
  const seen = harnessEvents.find(test);
  if (seen) { harnessEvents.splice(harnessEvents.indexOf(seen), 1); return Promise.resolve(seen); }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`XS bench: no ${what} event`)), 10000);
    waiters.push({ test, resolve: (e) => { clearTimeout(timer); harnessEvents.splice(harnessEvents.indexOf(e), 1); resolve(e); } });
  });
}

async function call(name, callArgs = []) {
  const { result } = await sim.call(name, callArgs);
  return { result, meter: sim.engine.lastMeter };
}

/**
 * Live heap after a collection, from an XS snapshot: chunk bytes (BLOC),
 * slots (HEAP / 32) and interned keys. xsnap's `w` command; the simulator
 * has no public call for it, so this reaches its engine's delivery queue.
 */
async function snapshot(of = sim) {
  await of.engine.idle();
  await of.engine.deliver(Buffer.from(`w${snapFile}`));
  const buf = readFileSync(snapFile);
  rmSync(snapFile, { force: true });
  const atoms = {};
  for (let at = 8; at + 8 <= buf.length;) {
    const size = buf.readUInt32BE(at);
    atoms[buf.toString("latin1", at + 4, at + 8)] = size - 8;
    at += size;
  }
  return { chunks: atoms.BLOC, slots: atoms.HEAP / SLOT, keys: atoms.KEYS / 8 };
}

function diff(a, b) {
  return { chunks: b.chunks - a.chunks, slots: b.slots - a.slots, keys: b.keys - a.keys };
}

/** Slots allocated by one call made right after a collection (no collection can happen in between at these sizes). */
async function slotsAllocated(name, callArgs) {
  const live = (await sim.heap()).currentHeapCount;
  const { meter } = await call(name, callArgs);
  return meter.currentHeapCount - live;
}

const N1 = quick ? 200 : 500;
const N2 = quick ? 700 : 2500;

/** Per received message: slots allocated (slope between N1 and N2 messages) and chunk bytes + slots a kept message holds. */
async function receiveCost(size, text, chunkSize) {
  await call("prepare", [size, N1, text, chunkSize]);
  const a1 = await slotsAllocated("feed", [false]);
  await call("prepare", [size, N2, text, chunkSize]);
  const a2 = await slotsAllocated("feed", [false]);
  await call("reserve", [N2]);
  const before = await snapshot();
  await call("feed", [true]);
  const after = await snapshot();
  await call("release");
  const kept = diff(before, after);
  return { slotsPerMessage: (a2 - a1) / (N2 - N1), keptChunkBytes: kept.chunks / N2, keptSlots: kept.slots / N2 };
}

async function sendCost(size, text) {
  await call("prepare", [size, 1, text, 0]);
  const a1 = await slotsAllocated("send", [N1, false]);
  const a2 = await slotsAllocated("send", [N2, false]);
  await call("reserve", [N2]);
  const before = await snapshot();
  await call("send", [N2, true]);
  const after = await snapshot();
  await call("release");
  const kept = diff(before, after);
  return { slotsPerMessage: (a2 - a1) / (N2 - N1), keptChunkBytes: kept.chunks / N2, keptSlots: kept.slots / N2 };
}

async function speed(name, size, text, chunkSize, count, rounds, repeats) {
  await call("prepare", [size, count, text, chunkSize]);
  const rates = [];
  let steps = 0;
  for (let i = 0; i < repeats; i++) {
    const { result, meter } = name === "decode" ? await call("decodeSpeed", [rounds]) : await call("encodeSpeed", [count * rounds]);
    rates.push(result.frames / (result.ms / 1000));
    steps = meter.compute / result.frames; // xsnap's metering steps: the same on any machine, under any load
  }
  return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates), steps };
}

/** Heap held by one open idle connection of `kind` (device.ts's "open"), after one of its kind was opened and closed. */
async function idleOf(url, kind) {
  const openOne = async () => {
    const { result: id } = await call("open", [url, kind]);
    await waitEvent((e) => e.type === "open" && e.id === id, `${kind} open`);
    return id;
  };
  const closeOne = async (id) => {
    await call("close", [id]);
    await waitEvent((e) => e.type === "close" && e.id === id, `${kind} close`);
    await call("forget", [id]);
  };
  // A first connection, opened and closed, so one-time module state is not counted.
  await closeOne(await openOne());
  const before = await snapshot();
  const id = await openOne();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const open = await snapshot();
  await closeOne(id);
  return diff(before, open);
}

async function idleConnection() {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  server.on("connection", (peer) => peer.on("message", (data, binary) => peer.send(data, { binary })));
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `ws://127.0.0.1:${server.address().port}`;
  try {
    const connection = await idleOf(url, "client");
    const reconnecting = await idleOf(url, "reconnecting");
    const keepAlive = await idleOf(url, "reconnecting-keepalive");
    const browser = await idleOf(url, "browser");

    // The simulator's socket object alone (on a device the socket is a host object of a few slots).
    const beforeRaw = await snapshot();
    const { result: raw } = await call("rawOpen", [server.address().port]);
    await waitEvent((e) => e.type === "rawOpen" && e.id === raw, "rawOpen");
    const rawOpen = await snapshot();
    await call("rawClose", [raw]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The core alone: FramedConnection with its Receiver, as a sans-I/O user would hold it.
    const beforeCore = await snapshot();
    await call("core");
    const core = diff(beforeCore, await snapshot());
    // The app's listener object alone (part of every connection row).
    const beforeProbe = await snapshot();
    await call("probe");
    const listener = diff(beforeProbe, await snapshot());
    return { connection, reconnecting, keepAlive, browser, socket: diff(beforeRaw, rawOpen), core, listener };
  } finally {
    for (const c of server.clients) c.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The wss figures, in a simulator of their own running bench/xs/device-wss.ts (wss.mjs). */
async function wssFigures() {
  const events = [];
  const entry = deviceEntry("device-wss.ts", args.find((a) => a.startsWith("--device-wss="))?.slice(13));
  const wssSim = await XsSimulator.start(path.resolve(entry), { onHarnessEvent: (header) => events.push(header) });
  try {
    return await measureWss({ sim: wssSim, events, snapshot: () => snapshot(wssSim), diff, counter, repeats: quick ? 2 : 5 });
  } finally {
    if (wssSim.bridge.uncaught.length) console.error("uncaught in XS (wss):", wssSim.bridge.uncaught);
    await wssSim.stop();
  }
}

const bytes64 = (d) => d.chunks + d.slots * SLOT;
const bytes32 = (d) => d.chunks + d.slots * ESP32_SLOT;

try {
  const started = new Date();
  const idle = await idleConnection();
  const ownIdle = diff(idle.socket, idle.connection);
  const ownReconnecting = diff(idle.socket, idle.reconnecting);
  const ownKeepAlive = diff(idle.socket, idle.keepAlive);
  const ownBrowser = diff(idle.socket, idle.browser);
  const recvOne = await receiveCost(64, false, 0);
  const recvMss = await receiveCost(64, false, 1460);
  const recvText = await receiveCost(64, true, 0);
  const send64 = await sendCost(64, false);
  const sendText = await sendCost(64, true);
  const repeats = quick ? 3 : 5;
  const dec64 = await speed("decode", 64, false, 1460, 1000, quick ? 5 : 20, repeats);
  const dec1k = await speed("decode", 1024, true, 1460, 200, quick ? 5 : 20, repeats);
  const enc64 = await speed("encode", 64, false, 0, 1000, quick ? 5 : 20, repeats);
  let wss;
  let wssFailure;
  try {
    wss = await wssFigures();
  } catch (error) {
    wssFailure = String(error?.message ?? error).split("\n")[0];
    console.error(`XS bench: wss figures failed: ${error?.stack ?? error}`);
  }
  const r = (x) => x.toFixed(1);
  const rate = (s) => `${(s.median / 1000).toFixed(0)} k (${(s.min / 1000).toFixed(0)}–${(s.max / 1000).toFixed(0)} k)`;
  const lines = [
    `### XS (xsnap-worker, the host simulator): results of \`npm run bench\`${quick ? " --quick" : ""}`,
    "",
    `Run ${started.toISOString().replace(/\.\d+Z$/, "Z")} on ${built.source}; XS from @agoric/xsnap on this 64-bit host (a slot is ${SLOT} bytes here, ${ESP32_SLOT} on ESP32; chunk bytes are about the same). Heap figures are exact counts from XS snapshots and xsnap's meter, not timings, so the machine's load does not move them.`,
    "",
    "| Heap held by one open, idle connection (after a collection) | chunks | slots | bytes here | ESP32 estimate |",
    "|---|---:|---:|---:|---:|",
    `| Whole connection: Client, core, Tcp419Transport, timers, simulator socket, the app's listener object | ${idle.connection.chunks} B | ${idle.connection.slots} | ${bytes64(idle.connection)} B | ${bytes32(idle.connection)} B |`,
    `| The simulator's JS socket object alone (a native host object on a device; module-level callbacks found through its \`target\`, as Tcp419Transport's) | ${idle.socket.chunks} B | ${idle.socket.slots} | ${bytes64(idle.socket)} B | ${bytes32(idle.socket)} B |`,
    `| **This library's share: Client** (difference) | ${ownIdle.chunks} B | ${ownIdle.slots} | ${bytes64(ownIdle)} B | **${bytes32(ownIdle)} B** |`,
    `| of which the sans-I/O core (FramedConnection + Receiver, measured alone) | ${idle.core.chunks} B | ${idle.core.slots} | ${bytes64(idle.core)} B | ${bytes32(idle.core)} B |`,
    `| of which the app's listener object (one instance of a class; in every row here) | ${idle.listener.chunks} B | ${idle.listener.slots} | ${bytes64(idle.listener)} B | ${bytes32(idle.listener)} B |`,
    `| ReconnectingClient, default options (no keep-alive), its Client included, less the socket | ${ownReconnecting.chunks} B | ${ownReconnecting.slots} | ${bytes64(ownReconnecting)} B | ${bytes32(ownReconnecting)} B |`,
    `| ReconnectingClient with \`keepAlive: 60000\` (its heartbeat and pending timer included), less the socket | ${ownKeepAlive.chunks} B | ${ownKeepAlive.slots} | ${bytes64(ownKeepAlive)} B | ${bytes32(ownKeepAlive)} B |`,
    `| Browser-style \`WebSocket\` (modules/api/browser.ts) over its Client, \`onopen\`/\`onclose\` set to shared functions, less the socket | ${ownBrowser.chunks} B | ${ownBrowser.slots} | ${bytes64(ownBrowser)} B | ${bytes32(ownBrowser)} B |`,
    "",
    `Target: under 2 KiB (2048 B) beyond the transport's buffers — ${bytes32(ownIdle) < 2048 ? "met" : "NOT met"} on the ESP32 estimate (${bytes32(ownIdle)} B), ${bytes64(ownIdle) < 2048 ? "met" : "not met"} with this host's 32-byte slots (${bytes64(ownIdle)} B).`,
    "",
    `| Per 64-byte message (FramedConnection fed from memory, ${N1} and ${N2} messages) | slots allocated per message | bytes allocated in slots (here / ESP32) | kept message: chunk bytes + slots |`,
    "|---|---:|---:|---:|",
    `| Received binary, frames whole within one read | ${r(recvOne.slotsPerMessage)} | ${r(recvOne.slotsPerMessage * SLOT)} / ${r(recvOne.slotsPerMessage * ESP32_SLOT)} | ${r(recvOne.keptChunkBytes)} B + ${r(recvOne.keptSlots)} slots |`,
    `| Received binary, 1460-byte reads (frames straddle reads) | ${r(recvMss.slotsPerMessage)} | ${r(recvMss.slotsPerMessage * SLOT)} / ${r(recvMss.slotsPerMessage * ESP32_SLOT)} | ${r(recvMss.keptChunkBytes)} B + ${r(recvMss.keptSlots)} slots |`,
    `| Received text (decoded to a string) | ${r(recvText.slotsPerMessage)} | ${r(recvText.slotsPerMessage * SLOT)} / ${r(recvText.slotsPerMessage * ESP32_SLOT)} | ${r(recvText.keptChunkBytes)} B + ${r(recvText.keptSlots)} slots |`,
    `| Sent binary (frame encoded and masked) | ${r(send64.slotsPerMessage)} | ${r(send64.slotsPerMessage * SLOT)} / ${r(send64.slotsPerMessage * ESP32_SLOT)} | ${r(send64.keptChunkBytes)} B + ${r(send64.keptSlots)} slots |`,
    `| Sent text (UTF-8 encoded, framed, masked) | ${r(sendText.slotsPerMessage)} | ${r(sendText.slotsPerMessage * SLOT)} / ${r(sendText.slotsPerMessage * ESP32_SLOT)} | ${r(sendText.keptChunkBytes)} B + ${r(sendText.keptSlots)} slots |`,
    "",
    "xsnap's meter counts slots only; chunk allocations that die young (arrays grown, temporary byte arrays) are not visible to it. The \"kept\" column is what a message the application holds on to costs: its payload view or string plus its bytes.",
    "",
    `| Speed inside XS (host CPU, metering on; median (min–max) of ${repeats}) | frames/s (wall clock) | XS metering steps per frame (load-independent) |`,
    "|---|---:|---:|",
    `| Decode 64-byte binary frames from 1460-byte reads | ${rate(dec64)} | ${dec64.steps.toFixed(0)} |`,
    `| Decode 1 KiB UTF-8 text frames (validate + TextDecoder) from 1460-byte reads | ${rate(dec1k)} (${(dec1k.median * 1024 / 1e6).toFixed(1)} MB/s) | ${dec1k.steps.toFixed(0)} |`,
    `| Encode + mask 64-byte binary frames | ${rate(enc64)} | ${enc64.steps.toFixed(0)} |`,
    ...(wss ? wssLines(wss, { SLOT, ESP32_SLOT, ownIdleWs: ownIdle }) : ["", `wss: not measured in this run (${wssFailure}).`]),
  ];
  const markdown = lines.join("\n");
  console.log(`\n${markdown}`);
  if (write) {
    replaceSection("xs", markdown);
    console.log("wrote the XS results to bench/RESULTS.md");
  }
  if (sim.bridge.uncaught.length) console.error("uncaught in XS:", sim.bridge.uncaught);
} catch (error) {
  console.error(`XS bench failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await sim.stop();
  process.exit();
}
