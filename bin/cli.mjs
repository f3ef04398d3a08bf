#!/usr/bin/env node
// Command line of the package (`npx moddable-websocket-client certs ...`).
// The work is in certs/cli.ts, bundled to dist/certs-cli.js by certs/build-cli.mjs.
import { runCli } from "../dist/certs-cli.js";

process.exitCode = runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
});
