// Builds the Node entry (node/index.ts and the device modules it imports) into dist/:
// ESM and CommonJS bundles plus their type declarations. Run by `npm run build`, `npm test`,
// `npm start`, and `npm pack` / `npm publish` (prepack).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { buildTypes } from "./build-types.mjs";

rmSync("dist", { recursive: true, force: true });
await import("../certs/build-cli.mjs"); // dist/certs-cli.js, the `certs` command behind bin/cli.mjs
const common = { entryPoints: ["node/index.ts"], bundle: true, platform: "node", target: "node20", sourcemap: true, logLevel: "warning" };
// Both formats have the same shape: the default export is seed 000's module object, everything else is named
// (CommonJS: `require(pkg).default`, `require(pkg).connect`, `require(pkg).WebSocket`).
await build({ ...common, format: "esm", outfile: "dist/index.js" });
await build({ ...common, format: "cjs", outfile: "dist/index.cjs" });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
buildTypes("dist/.types-emit", "dist/types");
