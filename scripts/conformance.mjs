#!/usr/bin/env node
// Conformance report: bundles host-tests/conformance/report.ts with esbuild
// (the suite is TypeScript) and runs it. Arguments are case-id prefixes to run
// only some cases, e.g. `node scripts/conformance.mjs 6.4 7.9`.
// Exit status 1 when a case FAILED.
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Inside the project so that npm packages left out of the bundle (ws) resolve.
const out = join(root, "node_modules/.cache/ws-conformance");
const file = join(out, `report-${process.pid}.cjs`);
mkdirSync(out, { recursive: true });
try {
  await build({
    entryPoints: [join(root, "host-tests/conformance/report.ts")],
    bundle: true, platform: "node", format: "cjs", target: "node20", packages: "external",
    outfile: file, logLevel: "warning",
    plugins: [{
      // Test helpers find files next to their sources (the XS simulator bundles its device entry): keep each file's own __dirname.
      name: "source-dirname",
      setup(b) {
        b.onLoad({ filter: /(host-tests|simulator)[\\/].*\.ts$/ }, (args) => ({
          contents: readFileSync(args.path, "utf8").replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path))),
          loader: "ts",
        }));
      },
    }],
  });
  const { main } = createRequire(import.meta.url)(file);
  process.exitCode = await main(process.argv.slice(2));
} finally {
  rmSync(file, { force: true });
}
