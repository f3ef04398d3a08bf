// `npm run bench`: this project against ws and undici on Node, side by side in
// the same run, then the XS figures; results go to bench/RESULTS.md.
//
//   node bench/run.mjs [--quick] [--runs=N] [--only=rtt32,pipe64] [--clients=ours,ws]
//                      [--no-micro] [--no-compression] [--no-xs] [--no-tls] [--working-tree | --rev=<commit>] [--no-write]
//
// Every client runs every workload in its own process, once per run, in an
// order that rotates from run to run; the servers (ws echo, raw blaster/sink)
// live in their own processes on 127.0.0.1 for the whole benchmark.
// --quick: one run with a tenth of the messages, printed but not written.
import { spawn, execFileSync } from "node:child_process";
import os from "node:os";
import { buildOurs, sourceFromArgs } from "./build-ours.mjs";
import { CLIENTS } from "./clients.mjs";
import { describeMachine } from "./machine.mjs";
import { renderNode } from "./render-node.mjs";
import { replaceSection } from "./report.mjs";
import { num } from "./stats.mjs";
import { WORKLOADS } from "./workloads.mjs";

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];

const quick = flag("quick");
const runs = Number(option("runs") ?? (quick ? 1 : 3));
const scale = quick ? 0.1 : 1;
const write = !flag("no-write") && !quick;
const workloads = option("only") ? WORKLOADS.filter((w) => option("only").split(",").includes(w.name)) : WORKLOADS;
const clients = option("clients") ? CLIENTS.filter((c) => option("clients").split(",").includes(c.name)) : CLIENTS;

/**
 * Every client and server on one CPU (Linux `taskset`), unless --no-pin: on a small machine a client's
 * CPU per round trip doubles when it and the echo server sit on different CPUs, for ws and this project
 * alike, so unpinned runs mix two placements (measured here: 27-30 against 51-72 µs per rtt32 round trip).
 */
const pin = !flag("no-pin") && process.platform === "linux" && hasTaskset();
function hasTaskset() {
  try { execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" }); return true; } catch { return false; }
}
function node(script, rest, options) {
  return pin ? spawn("taskset", ["-c", "0", process.execPath, script, ...rest], options) : spawn(process.execPath, [script, ...rest], options);
}

function startServer(script) {
  const child = node(script, [], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ child, port: JSON.parse(line).port });
    });
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function runClient(client, workload, base) {
  return new Promise((resolve) => {
    const child = node("bench/client.mjs", [client, workload, base, String(scale)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").pop()));
      else resolve({ error: (err.trim().split("\n")[0] || `exit ${code}`).slice(0, 200) });
    });
  });
}

const loads = [];
function sampleLoad() {
  loads.push(os.loadavg()[0]);
}

async function main() {
  const built = await buildOurs(sourceFromArgs(args));
  const machine = { ...describeMachine(), pinned: pin };
  const started = new Date();
  console.log(`bench: ${quick ? "quick, " : ""}${runs} run(s), ${workloads.length} workloads, clients ${clients.map((c) => c.name).join(", ")}; ours from ${built.source}`);
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadavg.map((l) => l.toFixed(2)).join(" ")}`);

  const echo = await startServer("bench/echo-server.mjs");
  const raw = await startServer("bench/raw-server.mjs");
  const samples = []; // { run, workload, client, value, cpu, rss }
  const errors = [];
  try {
    for (let run = 0; run < runs; run++) {
      for (const w of workloads) {
        const base = `ws://127.0.0.1:${w.kind === "echo" ? echo.port : raw.port}`;
        const order = clients.map((_, i) => clients[(i + run) % clients.length]);
        for (const c of order) {
          sampleLoad();
          const r = await runClient(c.name, w.name, base);
          if (r.error) {
            errors.push(`${c.name}/${w.name} run ${run + 1}: ${r.error}`);
            console.log(`  run ${run + 1} ${w.name.padEnd(11)} ${c.name.padEnd(8)} ERROR ${r.error}`);
            continue;
          }
          samples.push({ run, workload: w.name, client: c.name, value: r.value, cpu: r.cpuUsPerMessage, rss: r.maxRssMiB });
          console.log(`  run ${run + 1} ${w.name.padEnd(11)} ${c.name.padEnd(8)} ${num(r.value).padStart(9)} ${w.unit}`);
        }
      }
    }
  } finally {
    echo.child.stdin.end();
    raw.child.stdin.end();
  }
  sampleLoad();
  const markdown = renderNode({ machine, built, started, finished: new Date(), samples, loads, errors, runs, quick, clients, workloads });
  console.log(`\n${markdown}`);
  if (write) {
    replaceSection("node", markdown);
    console.log("wrote the Node results to bench/RESULTS.md");
  }
  // The micro-benchmarks and XS measure the very sources the clients ran (HEAD may move meanwhile).
  const sourceArgs = flag("working-tree") ? ["--working-tree"] : [`--rev=${built.commit}`];
  if (!flag("no-micro")) {
    execFileSync(process.execPath, ["bench/micro.mjs", ...sourceArgs, ...(quick ? ["--quick"] : []), ...(write ? ["--write"] : [])], { stdio: "inherit" });
  }
  // permessage-deflate: ratio and throughput with and without it (bench/compression.mjs).
  if (!flag("no-compression")) {
    const compressionArgs = ["bench/compression.mjs", ...sourceArgs, ...(quick ? ["--quick"] : [`--runs=${runs}`]), ...(write ? ["--write"] : []),
      ...(option("clients") ? [`--clients=${option("clients")}`] : [])];
    execFileSync(process.execPath, compressionArgs, { stdio: "inherit" });
  }
  if (!flag("no-xs")) {
    const xsArgs = ["bench/xs/run.mjs", ...sourceArgs, ...(quick ? ["--quick"] : []), ...(write ? [] : ["--no-write"])];
    execFileSync(process.execPath, xsArgs, { stdio: "inherit" });
    // UTF-8 text per byte on XS, 1 to 64 KiB (measures the working tree; says so when it differs from HEAD).
    execFileSync(process.execPath, ["bench/xs/text.mjs", ...(quick ? ["--quick"] : []), ...(write ? [] : ["--no-write"])], { stdio: "inherit" });
  }
  // The device's TLS layer on Node (mbedtlsRuntime): handshakes full/resumed, idle wake-ups, wss echo against Node's tls.
  if (!flag("no-tls")) {
    execFileSync(process.execPath, ["bench/tls.mjs", ...(quick ? ["--quick"] : []), ...(write ? [] : ["--no-write"])], { stdio: "inherit" });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
