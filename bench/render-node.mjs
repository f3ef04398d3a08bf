// The Node section of bench/RESULTS.md, from the samples of one `npm run bench`:
// rates, per-run ratios to ws, client CPU per message, peak memory.
import { execFileSync } from "node:child_process";
import { cell, ratio, summary } from "./stats.mjs";

/** samples: [{ run, workload, client, value, cpu, rss }] */
export function renderNode({ machine, built, started, finished, samples, loads, errors, runs, quick, clients, workloads }) {
  const of = (w, c, key) => samples.filter((s) => s.workload === w.name && s.client === c.name).map((s) => s[key]);
  const stat = (values) => (values.length ? summary(values) : undefined);
  /** Per-run ratio against ws: ws ÷ client when lower is better (times), client ÷ ws otherwise. */
  const vsWs = (w, c, key, lowerIsBetter) => {
    const values = [];
    for (let run = 0; run < runs; run++) {
      const mine = samples.find((s) => s.run === run && s.workload === w.name && s.client === c.name);
      const ws = samples.find((s) => s.run === run && s.workload === w.name && s.client === "ws");
      if (mine && ws) values.push(lowerIsBetter ? ws[key] / mine[key] : mine[key] / ws[key]);
    }
    return stat(values);
  };
  const titles = clients.map((c) => c.title).join(" | ");
  const rule = clients.map(() => "---:").join("|");
  const iso = (d) => d.toISOString().replace(/\.\d+Z$/, "Z");
  const load = summary(loads);
  const lines = [
    `### Node: results of \`npm run bench\`${quick ? " --quick" : ""}`,
    "",
    `Run ${iso(started)} – ${iso(finished)} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB RAM, ${machine.os}, Node ${machine.node}; ws ${version("ws")} (no bufferutil / utf-8-validate), undici ${version("undici")}. This project: ${built.source}.`,
    `Load average (1 min) before the run ${machine.loadavg[0].toFixed(2)}, sampled before each client process: ${load.min.toFixed(2)}–${load.max.toFixed(2)} (median ${load.median.toFixed(2)}) on ${machine.cores} cores — other work shared the machine; read the min–max ranges.`,
    machine.pinned
      ? "Every client and server process ran on CPU 0 (`taskset -c 0`), so each client had the same placement against its server (`--no-pin` lets the OS place them)."
      : "Processes were not pinned: the OS placed each client and server, and a client on the other CPU from its server spends about twice the CPU per round trip.",
    `${runs} run(s) per client and workload, each in a fresh process after a warm-up pass; the client order rotates between runs. Cells: median (min–max).`,
    "",
    `| Workload | unit | ${titles} |`,
    `|---|---|${rule}|`,
    ...workloads.map((w) => `| ${w.title}${w.better === "lower" ? " (lower is better)" : ""} | ${w.unit} | ${clients.map((c) => cell(stat(of(w, c, "value")))).join(" | ")} |`),
    "",
    "Speed relative to ws, computed within each run (ws time ÷ client time for latency, client rate ÷ ws rate otherwise; above 1 is faster than ws): median (min–max).",
    "",
    `| Workload | ${titles} |`,
    `|---|${rule}|`,
    ...workloads.map((w) => `| ${w.name} | ${clients.map((c) => cell(vsWs(w, c, "value", w.better === "lower"), ratio)).join(" | ")} |`),
    "",
    "CPU time the client process spent per message (µs, user + system, all threads; lower is better): median (min–max), and ws's CPU time ÷ the client's from the same run. Unlike wall-clock rates, CPU time is not inflated by other processes waiting for the cores, so on a busy machine this is the steadier comparison (it does include the kernel's share of each send and receive).",
    "",
    `| Workload | ${titles} |`,
    `|---|${rule}|`,
    ...workloads.map((w) => `| ${w.name} | ${clients.map((c) => {
      const cpu = stat(of(w, c, "cpu"));
      const r = vsWs(w, c, "cpu", true);
      return cpu ? `${cell(cpu)}${r ? `, ${ratio(r.median)}` : ""}` : "—";
    }).join(" | ")} |`),
    "",
    "Peak resident memory of the client process (MiB, median), which includes Node itself (about 45 MiB):",
    "",
    `| Workload | ${titles} |`,
    `|---|${rule}|`,
    ...workloads.map((w) => `| ${w.name} | ${clients.map((c) => { const s = stat(of(w, c, "rss")); return s ? s.median.toFixed(0) : "—"; }).join(" | ")} |`),
  ];
  if (errors.length) lines.push("", "Failures during this run:", ...errors.map((e) => `- ${e}`));
  return lines.join("\n");
}

function version(name) {
  try {
    return JSON.parse(execFileSync(process.execPath, ["-p", `JSON.stringify(require("${name}/package.json").version)`], { encoding: "utf8" }));
  } catch {
    return "?";
  }
}
