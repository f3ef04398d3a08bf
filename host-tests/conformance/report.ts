/**
 * The conformance report: runs every case (or those whose id starts with one of
 * the prefixes given on the command line), prints one line per case and a
 * summary table, and exits non-zero when a case FAILED.
 */
import type { CaseResult } from "./case";
import { ALL_CASES } from "./all-cases";
import { runAll } from "./runner";
import { startXs, stopXs } from "./xs-echo";

const VERDICTS = ["OK", "NON-STRICT", "FAILED"] as const;

/** Open points that hold for every case, not one. */
const GENERAL_CHOICES = [
  "After failing the connection (1002, 1007, 1009) the client sends its close frame, half-closes TCP and reports wasClean=false (RFC 6455 7.1.7; Autobahn does not require a clean close there).",
  "A received close is answered with the same status code and no reason (RFC 6455 5.5.1: the endpoint \"typically\" echoes the code); an empty close is answered with an empty close and reported as 1005.",
  "Frames from the server with a longer length encoding than needed are accepted (RFC 6455 5.2 binds the sender only); the client always sends the shortest.",
  "Invalid UTF-8 fails at the first byte that cannot start or continue a character (Autobahn's strict fail-fast); a client that failed only at the end of the frame would be NON-STRICT.",
];

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function line(r: CaseResult): string {
  const mark = r.open ? " [open]" : "";
  return `${pad(r.verdict, 10)} ${pad(r.id, 12)} ${r.title}${mark} (${Math.round(r.ms)} ms${r.reads ? `, ${r.reads} read${r.reads === 1 ? "" : "s"}` : ""})`;
}

function summary(results: CaseResult[]): string[] {
  const categories = Array.from(new Set(results.map((r) => r.category)));
  const rows = categories.map((c) => {
    const of = results.filter((r) => r.category === c);
    return [c, String(of.length), ...VERDICTS.map((v) => String(of.filter((r) => r.verdict === v).length))];
  });
  rows.push(["Total", String(results.length), ...VERDICTS.map((v) => String(results.filter((r) => r.verdict === v).length))]);
  const head = ["Category", "Cases", ...VERDICTS];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? pad(cell, widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(0, -1).map(fmt), widths.map((w) => "-".repeat(w)).join("  "), fmt(rows[rows.length - 1])];
}

export async function main(args: string[]): Promise<number> {
  const prefixes = args.filter((a) => !a.startsWith("-"));
  const cases = prefixes.length ? ALL_CASES.filter((c) => prefixes.some((p) => c.id.startsWith(p))) : ALL_CASES;
  const started = performance.now();
  console.log(`WebSocket client conformance: ${cases.length} cases against a scripted server on 127.0.0.1\n`);
  const onXs = cases.some((c) => c.api === "xs");
  if (onXs) await startXs();
  let results: CaseResult[];
  try {
    results = await runAll(cases, (r) => {
      console.log(line(r));
      for (const reason of r.reasons) console.log(`           - ${reason}`);
    });
  } finally {
    if (onXs) {
      const uncaught = await stopXs();
      for (const u of uncaught) console.log(`XS worker: uncaught ${u}`);
    }
  }
  console.log("");
  for (const row of summary(results)) console.log(row);
  const open = results.filter((r) => r.open);
  if (open.length) {
    console.log("\nBehaviour the RFC leaves open (the case asserts this client's documented choice):");
    const seen = new Set<string>();
    for (const r of open) {
      if (seen.has(r.open!)) continue;
      seen.add(r.open!);
      const ids = open.filter((o) => o.open === r.open).map((o) => o.id);
      console.log(`  ${ids.length > 3 ? `${ids[0]} … ${ids[ids.length - 1]}` : ids.join(", ")}: ${r.open}`);
    }
  }
  console.log("\nChoices that apply to every case:");
  for (const c of GENERAL_CHOICES) console.log(`  - ${c}`);
  console.log(`\n${results.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return results.some((r) => r.verdict === "FAILED") ? 1 : 0;
}
