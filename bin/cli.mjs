#!/usr/bin/env node
// Command line of the package (`npx moddable-websocket-client certs ...`, `--help`, `--version`).
// The work is in certs/cli.ts, bundled to dist/certs-cli.js by the build. In a clone (certs/ sources present), the
// bundle is made, or remade when a source is newer, before it runs: `npx moddable-websocket-client` works there
// right after `npm ci`, with no build step (the package itself builds on prepack, not on install).
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = root + "dist/certs-cli.js";

function newestSource() {
  let newest = 0;
  for (const dir of ["certs", "modules/certs", "modules/core"]) {
    for (const name of readdirSync(root + dir)) if (name.endsWith(".ts")) newest = Math.max(newest, statSync(`${root}${dir}/${name}`).mtimeMs);
  }
  return newest;
}

if (existsSync(root + "certs/build-cli.mjs") && (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource())) {
  try {
    await import("../certs/build-cli.mjs");
  } catch (error) {
    const missing = error?.code === "ERR_MODULE_NOT_FOUND" && /esbuild/.test(String(error.message));
    process.stderr.write(missing
      ? `moddable-websocket-client: ${bundle} is not built and esbuild is not installed: run \`npm ci\` in ${root} first\n`
      : `moddable-websocket-client: building ${bundle} failed: ${error?.message ?? error}\n`);
    process.exit(1);
  }
}

// `... | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error) => { if (error.code === "EPIPE") process.exit(0); else throw error; });

const { runCli } = await import(new URL("../dist/certs-cli.js", import.meta.url).href);
const { version } = JSON.parse(readFileSync(root + "package.json", "utf8"));
process.exitCode = runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  version,
});
