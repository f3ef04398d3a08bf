#!/usr/bin/env node
// Conformance report: bundles host-tests/conformance/report.ts with esbuild
// (the suite is TypeScript) and runs it. Arguments are case-id prefixes to run
// only some cases, e.g. `node scripts/conformance.mjs 6.4 7.9`.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = mkdtempSync(join(tmpdir(), "ws-conformance-"));
const file = join(out, "report.mjs");
try {
  await build({
    entryPoints: [join(root, "host-tests/conformance/report.ts")],
    bundle: true, platform: "node", format: "esm", target: "node20", outfile: file, logLevel: "warning",
  });
  const { main } = await import(pathToFileURL(file).href);
  process.exitCode = await main(process.argv.slice(2));
} finally {
  rmSync(out, { recursive: true, force: true });
}
