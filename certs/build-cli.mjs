// Bundles the certificate command line (certs/cli.ts and the reader it shares
// with the device) into dist/certs-cli.js for bin/cli.mjs. Run by the build.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  entryPoints: [root + "certs/cli.ts"],
  outfile: root + "dist/certs-cli.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});
