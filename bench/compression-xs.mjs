// permessage-deflate on XS (xsnap-worker, the host simulator): heap held by a
// connection on the device runtime with and without the extension, idle and
// after receiving compressed messages, from XS snapshots after a collection.
//   node bench/compression-xs.mjs [--quick] [--working-tree | --rev=<commit>] [--json]
// The device side is bench/compression-xs-device.ts; it inflates through the
// simulator's bridge (simulator/shims/compression.ts), so the inflater's own
// memory (zlib state and window) lives in the Node parent, outside the XS heap.
// Exports measureXs() for bench/compression.mjs.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import * as zlib from "node:zlib";
import { WebSocketServer } from "ws";
import { buildOurs, OUT, sourceFromArgs } from "./build-ours.mjs";
import { bundlePayloads, messages } from "./compression-payloads.mjs";
import { summary } from "./stats.mjs";

export const XS_SLOT = 32; // bytes per XS slot on this 64-bit host
export const ESP32_SLOT = 16;
export const XS_SIZES = [256, 4096, 65536];
const MESSAGES = 3; // snapshots after the first and after the last
// Bursts for slots allocated per received message: the slope between two burst lengths cancels the calls' own cost.
// How the simulator's reads batch varies from burst to burst, so the slope is taken REPEATS times (median, range).
const BURSTS = { 256: [20, 100], 4096: [10, 50], 65536: [2, 6] };
const REPEATS = 5;

/** The simulator's pieces (TypeScript), bundled with each file's __dirname kept at its source. */
async function loadHost() {
  const outfile = path.join(OUT, "compression-xs-host.cjs");
  await build({
    stdin: {
      contents: [
        `export { Bridge } from "./simulator/bridge";`,
        `export { CompressionBridge } from "./simulator/compression-bridge";`,
        `export { XsEngine } from "./simulator/engine";`,
        `export { bundleForXs } from "./simulator/bundle";`,
        `export { decodeWire, encodeWire } from "./simulator/shims/wire";`,
      ].join("\n"),
      resolveDir: path.resolve("."),
      loader: "ts",
    },
    bundle: true, platform: "node", format: "cjs", target: "node20", packages: "external", outfile, logLevel: "warning",
    plugins: [{
      name: "keep-dirname",
      setup(b) {
        b.onLoad({ filter: /(host-tests|simulator)[\\/].*\.ts$/ }, async (a) => ({
          contents: (await readFile(a.path, "utf8")).replace(/\b__dirname\b/g, JSON.stringify(path.dirname(a.path))),
          loader: "ts",
        }));
      },
    }],
  });
  const require = createRequire(import.meta.url);
  delete require.cache[outfile];
  return require(outfile);
}

/** The device script against the measured sources: HEAD's modules/ (exported by buildOurs) unless --working-tree. */
function deviceEntry(workingTree) {
  if (workingTree) return path.resolve("bench/compression-xs-device.ts");
  const dir = path.join(OUT, "src/bench");
  mkdirSync(dir, { recursive: true });
  copyFileSync("bench/compression-xs-device.ts", path.join(dir, "compression-xs-device.ts"));
  // The simulator's shims must be the very modules it maps Moddable's specifiers to.
  if (!existsSync(path.join(OUT, "src/host-tests"))) symlinkSync(path.resolve("host-tests"), path.join(OUT, "src/host-tests"));
  return path.join(dir, "compression-xs-device.ts");
}

async function startEngine(host, entry) {
  const events = [];
  const waiters = [];
  const bridge = new host.Bridge({
    onHarnessEvent: (header) => {
      events.push(header);
      for (const w of [...waiters]) if (w.test(header)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(header); }
    },
  });
  const compression = new host.CompressionBridge();
  const engine = new host.XsEngine((request) => {
    const { header, body } = host.decodeWire(request);
    if (!String(header.op).startsWith("zlib.")) return bridge.handle(request);
    try {
      const answer = compression.answer(header, body);
      return host.encodeWire(answer.header, answer.body);
    } catch (error) {
      return host.encodeWire({ bridgeError: error.message });
    }
  });
  bridge.attach(engine);
  await engine.evaluate((await host.bundleForXs(entry)).code);
  const waitEvent = (test, what) => {
    const seen = events.find(test);
    if (seen) { events.splice(events.indexOf(seen), 1); return Promise.resolve(seen); }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`XS compression bench: no ${what} event`)), 10000);
      waiters.push({ test, resolve: (e) => { clearTimeout(timer); events.splice(events.indexOf(e), 1); resolve(e); } });
    });
  };
  const call = async (name, args = [], bytes = undefined) => {
    const { header } = await bridge.post({ t: "call", name, args, hasBody: bytes !== undefined }, bytes);
    if (typeof header.error === "string") throw new Error(header.error);
    return header.result;
  };
  const snapFile = path.join(os.tmpdir(), `ws-compression-bench-${process.pid}.xs-snapshot`);
  /** Live heap after a collection, from an XS snapshot (xsnap's `w`): chunk bytes and slots. */
  const snapshot = async () => {
    await engine.idle();
    await engine.deliver(Buffer.from(`w${snapFile}`));
    const buf = readFileSync(snapFile);
    rmSync(snapFile, { force: true });
    const atoms = {};
    for (let at = 8; at + 8 <= buf.length;) {
      const size = buf.readUInt32BE(at);
      atoms[buf.toString("latin1", at + 4, at + 8)] = size - 8;
      at += size;
    }
    return { chunks: atoms.BLOC, slots: atoms.HEAP / XS_SLOT };
  };
  /** Live slots after a collection (xsnap's meter). */
  const collect = async () => {
    await engine.idle();
    return (await engine.evaluate("gc();")).meter.currentHeapCount;
  };
  /** Slots counted by the meter now, without collecting: after collect(), what was allocated since. */
  const meterNow = async () => {
    await engine.idle();
    return engine.lastMeter.currentHeapCount;
  };
  const stop = async () => {
    bridge.dispose();
    compression.dispose();
    await engine.stop();
  };
  return { call, waitEvent, snapshot, collect, meterNow, stop, compression, uncaught: bridge.uncaught };
}

/** A ws server that sends the next message of `list` each time the client says "next". */
async function startServer(perMessageDeflate, lists) {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate });
  server.on("connection", (peer, req) => {
    const list = lists[new URL(req.url, "http://x").searchParams.get("size")];
    let next = 0;
    peer.on("message", (data) => {
      const burst = /^burst:(\d+)$/.exec(data.toString());
      for (let i = burst ? Number(burst[1]) : 1; i > 0; i--) peer.send(list[next++ % list.length]);
    });
    peer.on("error", () => {});
  });
  await new Promise((resolve) => server.once("listening", resolve));
  return { url: `ws://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => { for (const c of server.clients) c.terminate(); server.close(resolve); }) };
}

/** Slots per message between two counts; undefined if a collection ran meanwhile (the count went down). */
function slope(allocated, [n1, n2]) {
  const perMessage = (allocated[1] - allocated[0]) / (n2 - n1);
  return allocated[0] > 0 && perMessage > 0 ? perMessage : undefined;
}

const diff = (a, b) => ({ chunks: b.chunks - a.chunks, slots: b.slots - a.slots });

/**
 * Per configuration and size: heap of the open idle connection, after the first
 * received message and after MESSAGES of them (the application drops each one),
 * each against the heap before the connection was opened.
 */
export async function measureXs({ source = {}, log = () => {} } = {}) {
  const built = await buildOurs(source);
  await bundlePayloads();
  const host = await loadHost();
  const lists = {};
  // Enough different messages that no burst repeats one (a repeat inside the window would compress to almost nothing).
  for (const size of XS_SIZES) lists[size] = await messages("json", size, 2 + MESSAGES + REPEATS * BURSTS[size].reduce((a, b) => a + b));
  const deflating = await startServer({ threshold: 0 }, lists);
  const plain = await startServer(false, lists);
  const xs = await startEngine(host, deviceEntry(source.workingTree));
  const configs = [
    { name: "plain", short: "no extension", title: "no extension", server: plain, options: {} },
    { name: "deflate15", short: "deflate 15-bit", title: "`perMessageDeflate: {}` (ws's defaults: 15-bit window, context takeover)", server: deflating, options: { perMessageDeflate: {} } },
    { name: "deflate10", short: "deflate 10-bit", title: "`perMessageDeflate: { serverMaxWindowBits: 10, clientMaxWindowBits: false }` (the suggested device offer)", server: deflating, options: { perMessageDeflate: { serverMaxWindowBits: 10, clientMaxWindowBits: false } } },
  ];
  const rows = [];
  const bridge = {};
  try {
    const session = async (config, size) => {
      const id = await xs.call("open", [`${config.server.url}/?size=${size}`, config.options]);
      const opened = await xs.waitEvent((e) => (e.type === "open" || e.type === "close") && e.id === id, "open");
      if (opened.type !== "open") throw new Error(`XS compression bench: ${config.name} did not open`);
      return { id, extensions: opened.extensions };
    };
    const receive = async (id, size) => {
      await xs.call("send", [id, "next"]);
      const m = await xs.waitEvent((e) => e.type === "message" && e.id === id, "message");
      if (m.length !== size) throw new Error(`XS compression bench: a message of ${m.length} bytes, expected ${size}`);
    };
    const end = async (id) => {
      await xs.call("close", [id]);
      await xs.waitEvent((e) => e.type === "close" && e.id === id, "close");
      await xs.call("forget", [id]);
    };
    /** Slots the meter counts per message received in a burst (undefined if a collection ran meanwhile). */
    const slotsPerMessage = async (id, size) => {
      const slopes = [];
      for (let r = 0; r < REPEATS; r++) {
        const allocated = [];
        for (const n of BURSTS[size]) {
          const live = await xs.collect();
          await xs.call("expect", [id, n]);
          await xs.call("send", [id, `burst:${n}`]);
          await xs.waitEvent((e) => e.type === "burst" && e.id === id, "burst");
          allocated.push((await xs.meterNow()) - live);
        }
        const s = slope(allocated, BURSTS[size]);
        if (s !== undefined) slopes.push(s);
      }
      return slopes.length ? summary(slopes) : undefined;
    };
    /** Slots per message of the simulator's bridged inflater alone (fed one compressed message of this size, again and again). */
    const bridgeSlots = async (size) => {
      const flushed = zlib.deflateRawSync(Buffer.from(lists[size][0]), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      const compressed = flushed.subarray(0, flushed.length - 4); // as on the wire: the device adds the tail back
      const allocated = [];
      for (const n of BURSTS[size]) {
        const live = await xs.collect();
        await xs.call("bridgeInflate", [n], compressed);
        allocated.push((await xs.meterNow()) - live);
      }
      return slope(allocated, BURSTS[size]);
    };
    for (const size of XS_SIZES) {
      bridge[size] = await bridgeSlots(size);
      log(`xs ${String(size).padStart(6)} B the simulator's bridged inflater alone: ${bridge[size]?.toFixed(1) ?? "?"} slots per message (two requests)`);
      for (const config of configs) {
        // A first session, opened, used and closed, so one-time module state is not counted.
        const warm = await session(config, size);
        await receive(warm.id, size);
        await end(warm.id);

        const before = await xs.snapshot();
        const { id, extensions } = await session(config, size);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const idle = diff(before, await xs.snapshot());
        await receive(id, size);
        const first = diff(before, await xs.snapshot());
        for (let i = 1; i < MESSAGES; i++) await receive(id, size);
        const last = diff(before, await xs.snapshot());
        const perMessage = await slotsPerMessage(id, size);
        await end(id);
        const row = { size, config: config.name, short: config.short, title: config.title, extensions, idle, first, last, perMessage };
        rows.push(row);
        log(`xs ${String(size).padStart(6)} B ${config.name.padEnd(9)} idle ${bytes(idle)} B, after 1 message ${bytes(first)} B, after ${MESSAGES} ${bytes(last)} B, ${perMessage ? `${perMessage.median.toFixed(1)} (${perMessage.min.toFixed(1)}–${perMessage.max.toFixed(1)})` : "?"} slots allocated per message (extensions "${extensions}")`);
      }
    }
    if (xs.uncaught.length) throw new Error(`XS compression bench: uncaught in the worker: ${xs.uncaught.join("; ")}`);
  } finally {
    await xs.stop();
    await deflating.close();
    await plain.close();
  }
  return { rows, bridge, messages: MESSAGES, repeats: REPEATS, source: built.source, slot: XS_SLOT, esp32Slot: ESP32_SLOT, sizes: XS_SIZES };
}

export const bytes = (d, slot = XS_SLOT) => d.chunks + d.slots * slot;

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const result = await measureXs({ source: sourceFromArgs(args), log: console.log });
  if (args.includes("--json")) console.log(JSON.stringify(result));
}
