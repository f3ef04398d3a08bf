// The permessage-deflate benchmark (run by `npm run bench`, or alone):
//   node bench/compression.mjs [--quick] [--runs=N] [--clients=ours,ws,undici] [--sizes=256,4096]
//                              [--no-echo] [--no-provider] [--no-xs] [--working-tree | --rev=<commit>] [--write]
// 1. Round trips against a local ws echo server with perMessageDeflate
//    { threshold: 0 } and against the same server without it: bytes on the wire
//    per byte of payload each way, round trips per second and the client's CPU
//    time per message, for this project's Client, ws and undici, each in its own
//    process, in an order that rotates from run to run.
// 2. The compression provider alone, in process (bench/compression-provider.mjs).
// 3. XS: heap of a connection with and without the extension (bench/compression-xs.mjs).
// --write puts the tables into bench/RESULTS.md (section "compression", after "micro").
// --quick: one run with a tenth of the messages.
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildOurs, OUT, sourceFromArgs } from "./build-ours.mjs";
import { bundlePayloads, SIZES } from "./compression-payloads.mjs";
import { measureProvider } from "./compression-provider.mjs";
import { renderCompression } from "./compression-render.mjs";
import { measureXs } from "./compression-xs.mjs";
import { describeMachine } from "./machine.mjs";
import { replaceSection } from "./report.mjs";

export const COMPRESSION_CLIENTS = [
  { name: "ours", title: "this project (Client)" },
  { name: "ws", title: "ws" },
  { name: "undici", title: "undici WebSocket" },
];

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];

const quick = flag("quick");
const runs = Number(option("runs") ?? (quick ? 1 : 3));
const scale = quick ? 0.1 : 1;
const clients = option("clients") ? COMPRESSION_CLIENTS.filter((c) => option("clients").split(",").includes(c.name)) : COMPRESSION_CLIENTS;
const sizes = option("sizes") ? option("sizes").split(",").map(Number) : SIZES;

function startServer(script) {
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve({ child, port: JSON.parse(out.split("\n")[0]).port });
    });
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** One client process: resolves with its per-kind results, or { error }. */
function runClient(client, mode, size, base) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bench/compression-client.mjs", client, mode, String(size), base, String(scale)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      if (code === 0) resolve({ results: out.trim().split("\n").map((line) => JSON.parse(line)) });
      else resolve({ error: (err.trim().split("\n")[0] || `exit ${code}`).slice(0, 200) });
    });
  });
}

async function echoBenchmark(loads) {
  const server = await startServer("bench/compression-server.mjs");
  const base = `http://127.0.0.1:${server.port}`;
  const samples = []; // { run, client, mode, size, kind, msgPerSec, cpuUsPerMessage, up, down, extensions }
  const errors = [];
  try {
    for (let run = 0; run < runs; run++) {
      for (const size of sizes) {
        for (const mode of ["off", "on"]) {
          const order = clients.map((_, i) => clients[(i + run) % clients.length]);
          for (const c of order) {
            loads.push(os.loadavg()[0]);
            const r = await runClient(c.name, mode, size, base);
            if (r.error) {
              errors.push(`${c.name}, compression ${mode}, ${size} B, run ${run + 1}: ${r.error}`);
              console.log(`  run ${run + 1} ${String(size).padStart(5)} B ${mode.padEnd(3)} ${c.name.padEnd(7)} ERROR ${r.error}`);
              continue;
            }
            for (const s of r.results) samples.push({ run, ...s });
            const line = r.results.map((s) => `${s.kind} ${s.msgPerSec.toFixed(0)}/s ↑${s.up.toFixed(3)} ↓${s.down.toFixed(3)}`).join(", ");
            console.log(`  run ${run + 1} ${String(size).padStart(5)} B ${mode.padEnd(3)} ${c.name.padEnd(7)} ${line}`);
          }
        }
      }
    }
  } finally {
    server.child.stdin.end();
  }
  return { samples, errors };
}

async function main() {
  const built = await buildOurs(sourceFromArgs(args));
  await bundlePayloads();
  const machine = describeMachine();
  const started = new Date();
  const loads = [];
  console.log(`compression bench: ${quick ? "quick, " : ""}${runs} run(s), sizes ${sizes.join(", ")}, clients ${clients.map((c) => c.name).join(", ")}; ours from ${built.source}`);
  const echo = flag("no-echo") ? undefined : await echoBenchmark(loads);
  let provider;
  if (!flag("no-provider")) {
    const { nodeCompression } = await import(pathToFileURL(path.join(OUT, "ours.mjs")).href);
    loads.push(os.loadavg()[0]);
    provider = await measureProvider({ nodeCompression, quick, log: (line) => console.log(`  ${line}`) });
  }
  const xs = flag("no-xs") ? undefined : await measureXs({ source: sourceFromArgs(args), log: (line) => console.log(`  ${line}`) });
  loads.push(os.loadavg()[0]);
  const markdown = renderCompression({ machine, built, started, finished: new Date(), loads, runs, quick, clients, sizes, echo, provider, xs });
  console.log(`\n${markdown}`);
  if (flag("write") && !quick) {
    replaceSection("compression", markdown, undefined, { after: "micro" });
    console.log("wrote the compression results to bench/RESULTS.md");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
