// The flow of seed 000's section-5 example, run inside Moddable's XS engine
// (the host simulator: xsnap-worker from @agoric/xsnap, with real sockets
// bridged from Node) against a real local echo server on 127.0.0.1.
import { importTs } from "../../simulator/load-ts.mjs";
import { startEchoServer } from "./echo-server.mjs";

const { runSeed000OnXs } = await importTs("simulator/demo.ts");

const server = await startEchoServer();
console.log(`echo server listening at ${server.url}`);
try {
  const { uncaught } = await runSeed000OnXs(server.url, (text) => process.stdout.write(text));
  if (uncaught.length) {
    console.error(`uncaught exceptions inside XS:\n${uncaught.join("\n")}`);
    process.exitCode = 1;
  }
} finally {
  await server.close();
}
