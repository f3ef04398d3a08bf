// Builds the Node entry (node/index.ts and the device modules it imports) into dist/:
// ESM and CommonJS bundles plus type declarations.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
await import("../certs/build-cli.mjs"); // dist/certs-cli.js, the `certs` command behind bin/cli.mjs
const common = { entryPoints: ["node/index.ts"], bundle: true, platform: "node", target: "node20", sourcemap: true, logLevel: "warning" };
await build({ ...common, format: "esm", outfile: "dist/index.js" });
await build({ ...common, format: "cjs", outfile: "dist/index.cjs", footer: { js: "module.exports = Object.assign(module.exports.default, module.exports);" } });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
