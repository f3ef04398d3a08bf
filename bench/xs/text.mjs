// UTF-8 text on Moddable's XS engine (xsnap-worker, the host simulator): encoding, decoding and byte
// length at 1 KiB, 16 KiB and 64 KiB, per byte, for each path a device can take (issue 20 §1):
// - Moddable's natives (ArrayBuffer.fromString with String.prototype.isWellFormed; String.fromArrayBuffer),
//   which xsnap lacks and the simulator provides as Moddable does (simulator/shims/text.ts);
// - the same without isWellFormed (SDK before 4.5: a search for ED bytes instead);
// - the pure-TypeScript walks of modules/core/utf8.ts (no natives);
// - the indexed charCodeAt walk this project encoded with before, for comparison.
// Figures: the worker's CPU time per byte (smallest of the rounds) and xsnap's metering steps per byte
// (host-tests/device-text/text-cost.ts says what each sees).
//   node bench/xs/text.mjs [--quick] [--no-write]
// Measures the working tree; writes the generated "xs-text" section of bench/RESULTS.md unless --quick or --no-write.
import { execFileSync } from "node:child_process";
import os from "node:os";
import { importTs } from "../../simulator/load-ts.mjs";
import { replaceSection } from "../report.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const write = !quick && !args.includes("--no-write");
const rounds = quick ? 1 : 3;
const SIZES = [1024, 16384, 65536];

const { TextCostProbe } = await importTs("host-tests/device-text/text-cost.ts");

const ROWS = [
  { label: "Encode, Moddable natives (ArrayBuffer.fromString, isWellFormed)", natives: "all", op: "encode-platform", kind: "mixed" },
  { label: "Encode, Moddable natives", natives: "all", op: "encode-platform", kind: "ascii" },
  { label: "Encode, natives without isWellFormed (SDK < 4.5: ED-byte search)", natives: "no-isWellFormed", op: "encode-platform", kind: "mixed" },
  { label: "Decode, Moddable natives (String.fromArrayBuffer)", natives: "all", op: "decode-platform", kind: "mixed" },
  { label: "Encode, TypeScript walk (core/utf8.ts, no natives)", natives: "none", op: "encode-fallback", kind: "mixed" },
  { label: "Encode, TypeScript walk", natives: "none", op: "encode-fallback", kind: "ascii" },
  { label: "Decode, TypeScript walk", natives: "none", op: "decode-fallback", kind: "mixed" },
  { label: "UTF-8 length, TypeScript walk (bufferedAmount, payload_len)", natives: "none", op: "length-fallback", kind: "mixed" },
  { label: "Before: encode with the indexed charCodeAt walk", natives: "none", op: "encode-indexed", kind: "mixed", budget: 64 * 1024, rounds: 1 },
];

const git = (a) => execFileSync("git", a, { encoding: "utf8" }).trim();
const commit = git(["rev-parse", "--short=12", "HEAD"]);
const dirty = git(["status", "--porcelain", "--", "modules", "host-tests/device-text", "simulator/shims"]) !== "";
const started = new Date();

const probe = await TextCostProbe.start();
const results = [];
try {
  for (const row of ROWS) {
    await probe.natives(row.natives);
    const costs = await probe.measure(row.op, row.kind, SIZES, { budget: row.budget ?? 256 * 1024, rounds: row.rounds ?? rounds });
    results.push({ row, costs });
    console.log(`${row.label} (${row.kind}): ${costs.map((c) => `${c.bytes} B ${c.nsPerByte.toFixed(1)} ns/B ${c.computePerByte.toFixed(1)} steps/B`).join(" | ")}`);
  }
} finally {
  await probe.stop();
}

const ns = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ms64 = (c) => (c.nsPerByte * c.bytes) / 1e6;
const clock = results[0].costs[0].clock === "cpu" ? "worker CPU time (/proc/<pid>/schedstat)" : "wall clock (no schedstat here)";
const lines = [
  "### XS: UTF-8 text per byte, 1 KiB to 64 KiB (`node bench/xs/text.mjs`)",
  "",
  `Run ${started.toISOString().replace(/\.\d+Z$/, "Z")} on ${dirty ? "the working tree at" : "commit"} ${commit}${dirty ? " (uncommitted changes in modules/ or the text probe)" : ""}; ` +
    `${os.cpus()[0]?.model ?? "CPU"} (${os.cpus().length} cores), load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}. ` +
    `XS from @agoric/xsnap (metering on). Text: \`mixed\` is 1- to 4-byte characters (\"Grüße, κόσμε — €5 😀 日本語のテキスト\"), 64 bytes of UTF-8 per piece, repeated; ` +
    `\`ascii\` is 64 ASCII characters repeated. Each figure: ${clock} per byte of one delivery that repeats the operation over about ` +
    `256 KiB at every size (64 KiB for the last row), smallest of ${rounds} round${rounds > 1 ? "s" : ""}; steps are xsnap's metering count per byte.`,
  "",
  "| Operation | text | 1 KiB | 16 KiB | 64 KiB | per byte, 64 KiB / 1 KiB | one 64 KiB message | XS steps per byte |",
  "|---|---|---:|---:|---:|---:|---:|---:|",
  ...results.map(({ row, costs }) => {
    const [a, , c] = costs;
    const steps = costs.map((x) => x.computePerByte);
    const stepText = Math.max(...steps) - Math.min(...steps) < 0.05 ? steps[0].toFixed(1) : `${Math.min(...steps).toFixed(1)}–${Math.max(...steps).toFixed(1)}`;
    return `| ${row.label} | ${row.kind} | ${costs.map((x) => `${ns(x.nsPerByte)} ns`).join(" | ")} | ${(c.nsPerByte / a.nsPerByte).toFixed(2)}× | ${ms64(c) >= 100 ? ms64(c).toFixed(0) : ms64(c).toFixed(1)} ms | ${stepText} |`;
  }),
  "",
  "The natives here are xsnap's own C (its TextEncoder and TextDecoder behind the simulator's `ArrayBuffer.fromString` and " +
    "`String.fromArrayBuffer`, a RegExp behind `isWellFormed`), so those rows say that the path stays linear, not what a device " +
    "spends; on a device both are a copy of the string's bytes. The TypeScript rows are the engine's own work and carry over to " +
    "a device as steps. The last row is the walk that made a 60,000-character message take 33–51 s to send in Moddable's simulator: " +
    "each `charCodeAt(i)` scans the UTF-8 string from its start in C, which the step count does not see. " +
    "host-tests/device-text/xs-text.test.ts fails when any of these paths costs more than 4× per byte at 64 KiB than at 1 KiB.",
];
const markdown = lines.join("\n");
console.log(`\n${markdown}`);
if (write) {
  replaceSection("xs-text", markdown, undefined, { after: "xs" });
  console.log("wrote the XS text results to bench/RESULTS.md");
}
