// XS heap figures of the client, measured on the XS host simulator
// (xsnap meters): one open idle connection, and the cost of echo round trips.
// Usage: node bench/xs-memory.mjs [repeat]   (JSON with --json)
import { importTs } from "../simulator/load-ts.mjs";

const { measureXsMemory, formatXsMemory } = await importTs("host-tests/xs/memory.ts");
const repeat = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 50);
const report = await measureXsMemory([16, 125, 1024, 65536], repeat);
console.log(process.argv.includes("--json") ? JSON.stringify(report, null, 2) : formatXsMemory(report));
