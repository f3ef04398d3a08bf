// In-process micro-benchmarks of the hot paths, without sockets: frame
// decoding (this project's FramedConnection vs ws's Receiver), frame encoding
// with masking (FramedConnection.send vs ws's Sender.frame) and UTF-8
// validation (the receiver's check of a text piece vs node:buffer isUtf8, which
// ws uses). The core gets the Node platform's hooks, as the Client passes them.
//   node bench/micro.mjs [--core=path/to/core.mjs] [--working-tree | --rev=<commit>] [--quick] [--write]
// --write puts the table into bench/RESULTS.md (section "micro").
// --core measures another build of the core (for experiments on a copy).
import { isUtf8 } from "node:buffer";
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildOurs, OUT, sourceFromArgs } from "./build-ours.mjs";
import { replaceSection } from "./report.mjs";
import { median } from "./stats.mjs";
import { multiByteText, pattern } from "./workloads.mjs";

const require = createRequire(import.meta.url);
const { Receiver: WsReceiver, Sender: WsSender } = require("ws");

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const ROUNDS = quick ? 3 : 9;
const ROUND_MS = quick ? 50 : 150;

let coreSource = "a given core bundle";

/** The core pieces this benchmark drives, bundled from the same sources as ours.mjs. */
async function coreModule() {
  const given = args.find((a) => a.startsWith("--core="))?.slice(7);
  if (given) return import(pathToFileURL(path.resolve(given)).href);
  const info = await buildOurs(sourceFromArgs(args));
  const root = args.includes("--working-tree") ? "." : path.join(OUT, "src");
  const entry = path.join(OUT, "core-entry.ts");
  const fs = await import("node:fs");
  fs.writeFileSync(entry, [
    `export { FramedConnection } from ${JSON.stringify(path.resolve(root, "modules/core/connection"))};`,
    `export { Utf8Validator, validateUtf8Piece } from ${JSON.stringify(path.resolve(root, "modules/core/utf8"))};`,
    `export { nodePlatform } from ${JSON.stringify(path.resolve(root, "node/platform"))};`,
  ].join("\n"));
  await build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", target: "node20", outfile: path.join(OUT, "core.mjs"), logLevel: "warning" });
  console.log(`core from ${info.source}`);
  coreSource = info.source;
  return import(pathToFileURL(path.join(OUT, "core.mjs")).href);
}

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs a and b (each doing `per` units of work) in alternating rounds of
 * ROUND_MS, so both see the same machine load; rates in units per second and
 * the ratio a/b of each pair of rounds.
 */
function compare(a, b, per) {
  const rates = { a: [], b: [] };
  const ratios = [];
  // Process CPU time, not wall time: other work on a shared machine then slows neither side's clock.
  const round = (fn) => {
    let n = 0;
    const start = cpuMs();
    let now = start;
    while (now - start < ROUND_MS) { fn(); n += per; now = cpuMs(); }
    return n / ((now - start) / 1000);
  };
  round(a); round(b); // warm-up
  for (let i = 0; i < ROUNDS; i++) {
    const ra = round(a);
    const rb = round(b);
    rates.a.push(ra); rates.b.push(rb); ratios.push(ra / rb);
  }
  const s = (v) => ({ median: median(v), min: Math.min(...v), max: Math.max(...v) });
  return { ours: s(rates.a), ws: s(rates.b), ratio: s(ratios) };
}

function frame(opcode, payload) {
  const n = payload.length;
  const head = n < 126 ? [0x80 | opcode, n] : n < 65536 ? [0x80 | opcode, 126, n >> 8, n & 0xff] : [0x80 | opcode, 127, 0, 0, 0, 0, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(head), Buffer.from(payload)]);
}

/** `count` frames cut into 64 KiB reads, as a socket would deliver them. */
function stream(opcode, payload, count) {
  const all = Buffer.concat(Array(count).fill(frame(opcode, payload)));
  const chunks = [];
  for (let at = 0; at < all.length; at += 65536) chunks.push(all.subarray(at, Math.min(all.length, at + 65536)));
  return chunks;
}

const core = await coreModule();
const results = [];
function report(name, unit, { ours, ws, ratio }) {
  results.push({ name, unit, ours, ws, ratio });
  const f = (s) => (s.median / (unit === "MB/s" ? 1e6 : 1)).toFixed(0);
  console.log(`${name.padEnd(34)} ours ${f(ours).padStart(10)}  ws ${f(ws).padStart(10)}  ${unit.padEnd(9)} ours/ws ${ratio.median.toFixed(2)}x (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`);
}

/** The core configured from the Node platform the way the Client configures it (modules/client/client.ts). */
function platformHooks() {
  const p = core.nodePlatform;
  return {
    fragments: false,
    random: (bytes) => p.randomFill(bytes),
    encodeUtf8: p.encodeUtf8, decodeUtf8: p.decodeUtf8, isUtf8: p.isUtf8, allocateFrame: p.allocateFrame,
  };
}

// ---- decode ----
function oursDecoder(onMessage) {
  const events = { write() {}, message: onMessage, fragment() {}, ping() {}, pong() {}, error(e) { throw e; }, stateChange() {}, shutdown() {}, open() {}, closed() {} };
  const conn = new core.FramedConnection("client", { maxMessageSize: 64 * 1024 * 1024, maxFragments: 131072, ...platformHooks() }, events);
  conn.state = 1;
  return (chunk) => conn.receiveFrames(chunk);
}

function wsDecoder(onMessage) {
  const receiver = new WsReceiver({ isServer: false, allowSynchronousEvents: true, maxPayload: 64 * 1024 * 1024 });
  receiver.on("message", (data, binary) => onMessage(binary ? data : data.toString(), binary));
  receiver.on("error", (e) => { throw e; });
  const done = () => {};
  return (chunk) => receiver._write(chunk, "buffer", done);
}

function decodeCase(name, opcode, payload, count, unit) {
  const chunks = stream(opcode, payload, count);
  let sink = 0;
  const onMessage = (data) => { sink += data.length; };
  const run = (push) => () => { for (const c of chunks) push(c); };
  const per = unit === "MB/s" ? payload.length * count : count;
  report(name, unit, compare(run(oursDecoder(onMessage)), run(wsDecoder(onMessage)), per));
  return sink;
}

console.log(`micro-benchmarks: ${ROUNDS} alternating rounds of ${ROUND_MS} ms of CPU time per side; median rate, and median (min–max) of the per-round ratio ours/ws`);
decodeCase("decode 64 B binary frames", 2, pattern(64), 4096, "frames/s");
decodeCase("decode 1 KiB UTF-8 text frames", 1, Buffer.from(multiByteText(1024)), 512, "MB/s");
decodeCase("decode 64 KiB binary frames", 2, pattern(65536), 16, "MB/s");
decodeCase("decode 4 MiB binary frames", 2, pattern(4 * 1024 * 1024), 1, "MB/s");

// ---- encode + mask ----
function encodeCase(name, payload, unit) {
  const events = { write() {}, message() {}, fragment() {}, ping() {}, pong() {}, error() {}, stateChange() {}, shutdown() {}, open() {}, closed() {} };
  const conn = new core.FramedConnection("client", { maxMessageSize: 1 << 26, maxFragments: 1024, ...platformHooks() }, events);
  conn.state = 1;
  const batch = payload.length > 4096 ? 4 : 256;
  const per = unit === "MB/s" ? payload.length * batch : batch;
  const options = { fin: true, opcode: typeof payload === "string" ? 1 : 2, mask: true, readOnly: true, rsv1: false };
  report(name, unit, compare(
    () => { for (let i = 0; i < batch; i++) conn.send(payload); },
    () => { for (let i = 0; i < batch; i++) WsSender.frame(payload, options); },
    per));
}

encodeCase("encode+mask 64 B binary", pattern(64), "frames/s");
encodeCase("encode+mask 1 KiB UTF-8 text", multiByteText(1024), "MB/s");
encodeCase("encode+mask 64 KiB binary", pattern(65536), "MB/s");
encodeCase("encode+mask 4 MiB binary", pattern(4 * 1024 * 1024), "MB/s");

// ---- UTF-8 validation alone: the receiver's check of a text piece (native check, JS validator for a split character's bytes) ----
function utf8Case(name, bytes) {
  const v = new core.Utf8Validator();
  const isUtf8Native = core.nodePlatform.isUtf8;
  report(name, "MB/s", compare(
    () => { v.reset(); if (core.validateUtf8Piece(v, bytes, isUtf8Native) >= 0 || !v.complete) throw new Error("invalid"); },
    () => { if (!isUtf8(bytes)) throw new Error("invalid"); },
    bytes.length));
}
utf8Case("validate 1 KiB multi-byte UTF-8", Buffer.from(multiByteText(1024)));
utf8Case("validate 64 KiB ASCII", Buffer.alloc(65536, 0x61));

if (args.includes("--json")) console.log(JSON.stringify(results));

if (args.includes("--write")) {
  const f = (v, unit) => (unit === "MB/s" ? (v / 1e6).toFixed(0) : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${(v / 1e3).toFixed(0)} k`);
  const lines = [
    "### Node: hot paths in process (`node bench/micro.mjs`), this project against ws's own Receiver, Sender and validator",
    "",
    `Run ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} on ${coreSource}; ${ROUNDS} alternating rounds of ${ROUND_MS} ms of CPU time per side (CPU time, so other processes on the machine slow neither side's clock). No sockets: frames are fed from memory in 64 KiB reads; encoding includes the masking key and masking; text is decoded to strings on both sides; this project's core runs with the Node platform's hooks, as the Client configures it (native UTF-8 check, frame slab).`,
    "",
    "| Hot path | unit | this project | ws | this project ÷ ws, median (min–max) of the rounds |",
    "|---|---|---:|---:|---:|",
    ...results.map((r) => `| ${r.name} | ${r.unit} | ${f(r.ours.median, r.unit)} | ${f(r.ws.median, r.unit)} | ${r.ratio.median.toFixed(2)}× (${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)}) |`),
  ];
  replaceSection("micro", lines.join("\n"));
  console.log("wrote the micro-benchmarks to bench/RESULTS.md");
}
