// Loads a simulator TypeScript module into plain Node (for scripts outside
// jest: examples/demo/xs.mjs, bench/xs-memory.mjs). esbuild bundles it to
// CommonJS under node_modules/.cache with packages left external, and
// defines __dirname as this folder (paths.ts is its only user).
import { build } from "esbuild";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SIMULATOR_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(SIMULATOR_DIR, "..");

export async function importTs(entry) {
  const absolute = path.resolve(ROOT, entry);
  const outfile = path.join(ROOT, "node_modules/.cache/xs-simulator", `${path.basename(absolute, ".ts")}.cjs`);
  await build({
    entryPoints: [absolute],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    define: { __dirname: JSON.stringify(SIMULATOR_DIR) },
    logLevel: "warning",
  });
  return createRequire(import.meta.url)(outfile);
}
