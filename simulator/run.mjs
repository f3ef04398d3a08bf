#!/usr/bin/env node
// Runs your own device module in the XS host simulator against the real network, printing its trace:
//   npm run simulate -- examples/seed000/main.ts url=ws://127.0.0.1:8080/ [--until TEXT] [--seconds N]
// key=value pairs go into mc/config over the app manifest's config, as on mcconfig's command line. It stops
// when the output shows TEXT, after N seconds, or on Ctrl-C; the exit code is 1 if the app threw.
import { importTs } from "./load-ts.mjs";

const args = process.argv.slice(2);
const usage = "usage: npm run simulate -- <main.ts> [key=value ...] [--until TEXT] [--seconds N]";
if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
  console.log(usage);
  process.exit(args.length === 0 ? 2 : 0);
}
let entry;
let until;
let seconds;
const config = {};
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "--until") until = args[++i];
  else if (arg === "--seconds") seconds = Number(args[++i]);
  else if (/^[A-Za-z_][\w.]*=/.test(arg)) config[arg.slice(0, arg.indexOf("="))] = arg.slice(arg.indexOf("=") + 1);
  else if (entry === undefined) entry = arg;
  else {
    console.error(`simulate: unexpected argument ${JSON.stringify(arg)}\n${usage}`);
    process.exit(2);
  }
}
if (entry === undefined || (seconds !== undefined && !(seconds > 0))) {
  console.error(usage);
  process.exit(2);
}

const { runApp } = await importTs("simulator/run-app.ts");
const run = await runApp(entry, { config, until, seconds, write: (text) => process.stdout.write(text) });
process.once("SIGINT", () => run.stop());
const { reason, uncaught } = await run.finished;
if (uncaught.length) {
  console.error(`uncaught inside XS:\n${uncaught.join("\n")}`);
  process.exitCode = 1;
} else if (reason === "time" && until !== undefined) {
  console.error(`simulate: "${until}" did not appear within ${seconds} s`);
  process.exitCode = 1;
}
