// `npm run bench`: this project against ws and undici on Node, side by side in
// the same run, then the XS figures; results go to BENCHMARKS.md.
//
//   node bench/run.mjs [--quick] [--runs=N] [--only=rtt32,pipe64] [--clients=ours,ws]
//                      [--no-micro] [--no-xs] [--working-tree | --rev=<commit>] [--no-write]
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
import { replaceSection } from "./report.mjs";
import { cell, num, ratio, summary } from "./stats.mjs";
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

function startServer(script) {
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
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
    const child = spawn(process.execPath, ["bench/client.mjs", client, workload, base, String(scale)], { stdio: ["ignore", "pipe", "pipe"] });
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
const cpu = {}; // workload -> client -> [client CPU µs per message]
const cpuPerRun = {};
function sampleLoad() {
  loads.push(os.loadavg()[0]);
}

async function main() {
  const built = await buildOurs(sourceFromArgs(args));
  const machine = describeMachine();
  const started = new Date();
  console.log(`bench: ${quick ? "quick, " : ""}${runs} run(s), ${workloads.length} workloads, clients ${clients.map((c) => c.name).join(", ")}; ours from ${built.source}`);
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadavg.map((l) => l.toFixed(2)).join(" ")}`);

  const echo = await startServer("bench/echo-server.mjs");
  const raw = await startServer("bench/raw-server.mjs");
  const results = {}; // workload -> client -> [values]; also per-run values for ratios
  const perRun = {}; // workload -> run -> client -> value
  const rss = {};
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
          ((results[w.name] ??= {})[c.name] ??= []).push(r.value);
          ((rss[w.name] ??= {})[c.name] ??= []).push(r.maxRssMiB);
          ((cpu[w.name] ??= {})[c.name] ??= []).push(r.cpuUsPerMessage);
          ((cpuPerRun[w.name] ??= [])[run] ??= {})[c.name] = r.cpuUsPerMessage;
          ((perRun[w.name] ??= [])[run] ??= {})[c.name] = r.value;
          console.log(`  run ${run + 1} ${w.name.padEnd(11)} ${c.name.padEnd(8)} ${num(r.value).padStart(9)} ${w.unit}`);
        }
      }
    }
  } finally {
    echo.child.stdin.end();
    raw.child.stdin.end();
  }
  sampleLoad();
  const markdown = render({ machine, built, started, finished: new Date(), results, perRun, rss, errors });
  console.log(`\n${markdown}`);
  if (write) {
    replaceSection("node", markdown);
    console.log("wrote the Node results to BENCHMARKS.md");
  }
  // The micro-benchmarks and XS measure the very sources the clients ran (HEAD may move meanwhile).
  const sourceArgs = flag("working-tree") ? ["--working-tree"] : [`--rev=${built.commit}`];
  if (!flag("no-micro")) {
    execFileSync(process.execPath, ["bench/micro.mjs", ...sourceArgs, ...(quick ? ["--quick"] : []), ...(write ? ["--write"] : [])], { stdio: "inherit" });
  }
  if (!flag("no-xs")) {
    const xsArgs = ["bench/xs/run.mjs", ...sourceArgs, ...(quick ? ["--quick"] : []), ...(write ? [] : ["--no-write"])];
    execFileSync(process.execPath, xsArgs, { stdio: "inherit" });
  }
}

function ratios(workload, client) {
  const w = WORKLOADS.find((x) => x.name === workload);
  const values = [];
  for (const run of perRun_(workload)) {
    if (!run || run[client] === undefined || run.ws === undefined) continue;
    values.push(w.better === "lower" ? run.ws / run[client] : run[client] / run.ws);
  }
  return values.length ? summary(values) : undefined;
}
let perRunRef = {};
const perRun_ = (workload) => perRunRef[workload] ?? [];

function render({ machine, built, started, finished, results, perRun, rss, errors }) {
  perRunRef = perRun;
  const lines = [];
  const header = `| Workload | unit | ${clients.map((c) => c.title).join(" | ")} |`;
  const rule = `|---|---|${clients.map(() => "---:").join("|")}|`;
  lines.push(`### Node: results of \`npm run bench\`${quick ? " --quick" : ""}`);
  lines.push("");
  lines.push(`Run ${started.toISOString().replace(/\.\d+Z$/, "Z")} – ${finished.toISOString().replace(/\.\d+Z$/, "Z")} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB RAM, ${machine.os}, Node ${machine.node}; ws ${pkgVersion("ws")} (no bufferutil / utf-8-validate), undici ${pkgVersion("undici")}. This project: ${built.source}.`);
  const loadSummary = summary(loads);
  lines.push(`Load average (1 min) before the run ${machine.loadavg[0].toFixed(2)}, sampled before each client process: ${loadSummary.min.toFixed(2)}–${loadSummary.max.toFixed(2)} (median ${loadSummary.median.toFixed(2)}) on ${machine.cores} cores — other work shared the machine; read the min–max ranges.`);
  lines.push(`${runs} run(s) per client and workload, each in a fresh process after a warm-up pass; the client order rotates between runs. Cells: median (min–max).`);
  lines.push("");
  lines.push(header);
  lines.push(rule);
  for (const w of workloads) {
    const row = clients.map((c) => cell(results[w.name]?.[c.name] ? summary(results[w.name][c.name]) : undefined));
    lines.push(`| ${w.title}${w.better === "lower" ? " (lower is better)" : ""} | ${w.unit} | ${row.join(" | ")} |`);
  }
  lines.push("");
  lines.push("Speed relative to ws, computed within each run (ws time ÷ client time for latency, client rate ÷ ws rate otherwise; above 1 is faster than ws): median (min–max).");
  lines.push("");
  lines.push(`| Workload | ${clients.map((c) => c.title).join(" | ")} |`);
  lines.push(`|---|${clients.map(() => "---:").join("|")}|`);
  for (const w of workloads) {
    lines.push(`| ${w.name} | ${clients.map((c) => cell(ratios(w.name, c.name), ratio)).join(" | ")} |`);
  }
  lines.push("");
  lines.push("CPU time the client process spent per message (µs, user + system, all threads; lower is better): median (min–max), and ws's CPU time ÷ the client's from the same run. Unlike wall-clock rates, CPU time is not inflated by other processes competing for the cores, so on a busy machine this is the steadier comparison (it does include the kernel's share of each send and receive).");
  lines.push("");
  lines.push(`| Workload | ${clients.map((c) => c.title).join(" | ")} |`);
  lines.push(`|---|${clients.map(() => "---:").join("|")}|`);
  for (const w of workloads) {
    lines.push(`| ${w.name} | ${clients.map((c) => {
      const values = cpu[w.name]?.[c.name];
      if (!values) return "—";
      const r = [];
      for (const run of cpuPerRun[w.name] ?? []) if (run?.[c.name] && run.ws) r.push(run.ws / run[c.name]);
      return `${cell(summary(values))}${r.length ? `, ${ratio(summary(r).median)}` : ""}`;
    }).join(" | ")} |`);
  }
  lines.push("");
  lines.push("Peak resident memory of the client process (MiB, median), which includes Node itself (about 45 MiB):");
  lines.push("");
  lines.push(`| Workload | ${clients.map((c) => c.title).join(" | ")} |`);
  lines.push(`|---|${clients.map(() => "---:").join("|")}|`);
  for (const w of workloads) {
    lines.push(`| ${w.name} | ${clients.map((c) => (rss[w.name]?.[c.name] ? summary(rss[w.name][c.name]).median.toFixed(0) : "—")).join(" | ")} |`);
  }
  if (errors.length) {
    lines.push("");
    lines.push("Failures during this run:");
    for (const e of errors) lines.push(`- ${e}`);
  }
  return lines.join("\n");
}

function pkgVersion(name) {
  try {
    return JSON.parse(execFileSync(process.execPath, ["-p", `JSON.stringify(require("${name}/package.json").version)`], { encoding: "utf8" }));
  } catch {
    return "?";
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
