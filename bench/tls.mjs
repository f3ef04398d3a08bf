// The TLS half of the benchmarks (issue 17): the device's TLS layer on Node
// (mbedtlsRuntime: the mbedTLS C core through its N-API binding under
// modules/transport/tls.ts, over a plain Node socket), measured against real
// peers on 127.0.0.1 in their own processes, Node's own tls in the same run.
//   node bench/tls.mjs [--quick] [--no-write]
// Figures: handshake CPU and bytes, full against resumed, against a Node TLS
// server and `openssl s_server`; timer wake-ups per second of an idle wss
// connection; wss echo throughput of mbedtlsRuntime against Node's tls path.
// Results go to bench/RESULTS.md (section "tls") unless --quick or --no-write.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";
import { describeMachine } from "./machine.mjs";
import { replaceSection } from "./report.mjs";
import { median } from "./stats.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const write = !quick && !args.includes("--no-write");
const rounds = quick ? 1 : 3;

if (!existsSync(path.resolve("native/node/build/Release/wsx_tls.node"))) {
  console.log("bench/tls.mjs: the mbedTLS addon is not built (sh scripts/build-native.sh): no TLS figures this run");
  process.exit(0);
}

async function load() {
  const outfile = path.resolve(".bench-out/tls-client.cjs");
  await build({
    entryPoints: { "tls-client": path.resolve("bench/tls/client.ts") },
    stdin: undefined,
    bundle: true, platform: "node", format: "cjs", target: "node20", packages: "external", outfile, logLevel: "warning",
  });
  const pkiOut = path.resolve(".bench-out/tls-pki.cjs");
  await build({ entryPoints: [path.resolve("host-tests/mbedtls/pki.ts")], bundle: true, platform: "node", format: "cjs", target: "node20", packages: "external", outfile: pkiOut, logLevel: "warning" });
  const require = createRequire(import.meta.url);
  return { client: require(outfile), pki: require(pkiOut) };
}

function child(command, argv, ready) {
  const proc = spawn(command, argv, { stdio: ["pipe", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (d) => {
      out += d;
      const found = ready(out);
      if (!found) return;
      // Ready: from now on its output is drained unread (s_server logs every connection; parsing a growing
      // string per line would cost this process CPU inside the measured handshakes).
      for (const stream of [proc.stdout, proc.stderr]) {
        stream.off("data", onData);
        stream.on("data", () => {});
      }
      resolve({ proc, ...found });
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`${command} exited (${code}): ${out}`)));
  });
}

/** What was measured: these figures come from the working tree's sources (bundled here), not an exported commit. */
function source() {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "modules", "node", "native", "bench/tls", "bench/tls.mjs"], { encoding: "utf8" }).trim() !== "";
    return `the working tree at ${commit}${dirty ? " (with uncommitted changes)" : ""}`;
  } catch {
    return "the working tree";
  }
}

const { client, pki: pkiModule } = await load();
const pki = pkiModule.makeTestPki();
const peers = await child(process.execPath, [path.resolve("bench/tls/peer.mjs"), pki.dir], (out) => {
  const line = out.split("\n").find((l) => l.startsWith("{"));
  return line ? JSON.parse(line) : undefined;
});
const ossl = await child("openssl", ["s_server", "-accept", "127.0.0.1:0", "-rev", "-cert", pki.path("server.pem"), "-key", pki.path("server.key"), "-cert_chain", pki.path("int.pem")],
  (out) => { const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out); return m ? { port: Number(m[1]) } : undefined; });
const tls = client.trust(pki.text("ca.pem"));

try {
  const started = new Date();
  const count = quick ? 20 : 100;
  const handshakeRows = [];
  for (const [name, port] of [["Node TLS server", peers.tls], ["openssl s_server", ossl.port]]) {
    const full = [];
    const resumed = [];
    for (let r = 0; r < rounds; r++) {
      full.push(await client.handshakes(port, tls, false, count));
      resumed.push(await client.handshakes(port, tls, true, count));
    }
    const pick = (list, key) => median(list.map((x) => x[key]));
    handshakeRows.push({
      name,
      full: { cpu: pick(full, "cpuMs"), wall: pick(full, "wallMs"), sent: pick(full, "sent"), received: pick(full, "received") },
      resumed: { cpu: pick(resumed, "cpuMs"), wall: pick(resumed, "wallMs"), sent: pick(resumed, "sent"), received: pick(resumed, "received") },
    });
  }
  const idle = await client.idleWakeups(peers.wss, tls, quick ? 1 : 3);
  const size = 16 * 1024;
  const messages = quick ? 500 : 3000;
  const echo = { mbedtls: [], node: [] };
  for (let r = 0; r < rounds; r++) {
    for (const which of r % 2 ? ["node", "mbedtls"] : ["mbedtls", "node"]) {
      echo[which].push(await client.echo(client.runtimes[which](), peers.wss, tls, size, messages, 16));
    }
  }
  const echoOf = (which) => ({ mb: median(echo[which].map((e) => e.mbPerSecond)), cpu: median(echo[which].map((e) => e.cpuMsPerMiB)) });
  const ours = echoOf("mbedtls");
  const nodes = echoOf("node");
  const m = describeMachine();
  const f1 = (x) => x.toFixed(1);
  const f2 = (x) => x.toFixed(2);
  const lines = [
    `### TLS: the device's TLS layer on Node (mbedtlsRuntime): results of \`node bench/tls.mjs\`${quick ? " --quick" : ""}`,
    "",
    `Run ${started.toISOString().replace(/\.\d+Z$/, "Z")} on ${source()}; mbedTLS ${client.mbedtlsVersion()} (the N-API addon as built), Node ${process.version}, ${m.cpu}, ${m.cores} cores, load ${m.loadavg.map((x) => x.toFixed(1)).join(" ")}. Peers in their own processes on 127.0.0.1; medians of ${rounds} rounds. CPU is this process's (user + system: the TLS layer, the C core, Node's sockets), per handshake or per MiB.`,
    "",
    `| Handshake (${count} in a row, one P-256 chain of two, close_notify after each) | CPU ms | wall ms | bytes sent / received |`,
    "|---|---:|---:|---:|",
  ];
  for (const row of handshakeRows) {
    lines.push(`| ${row.name}: full | ${f2(row.full.cpu)} | ${f2(row.full.wall)} | ${Math.round(row.full.sent)} / ${Math.round(row.full.received)} |`);
    lines.push(`| ${row.name}: resumed (the host's kept session) | ${f2(row.resumed.cpu)} | ${f2(row.resumed.wall)} | ${Math.round(row.resumed.sent)} / ${Math.round(row.resumed.received)} |`);
    lines.push(`| ${row.name}: resumed / full | **${f2(row.resumed.cpu / row.full.cpu)}×** CPU | ${f2(row.resumed.wall / row.full.wall)}× | ${f2((row.resumed.sent + row.resumed.received) / (row.full.sent + row.full.received))}× bytes |`);
  }
  lines.push(
    "",
    "| Idle wss connection through mbedtlsRuntime (its Client included) | value |",
    "|---|---:|",
    `| Timer wake-ups per second over ${quick ? 1 : 3} s idle | **${f1(idle.perSecond)}** |`,
    `| Timers pending while idle | ${idle.pending} |`,
    "",
    `| wss echo, ${size / 1024} KiB binary messages, 16 in flight, ${messages} messages (same ws server, same run) | MB/s (one way) | client CPU ms per MiB (both ways) |`,
    "|---|---:|---:|",
    `| mbedtlsRuntime (mbedTLS core + TLS layer over a Node socket) | ${f1(ours.mb)} | ${f2(ours.cpu)} |`,
    `| Node's own tls (nodeRuntime) | ${f1(nodes.mb)} | ${f2(nodes.cpu)} |`,
    `| mbedtlsRuntime / Node's tls | **${f2(ours.mb / nodes.mb)}×** | ${f2(ours.cpu / nodes.cpu)}× |`,
  );
  const markdown = lines.join("\n");
  console.log(`\n${markdown}`);
  if (write) {
    replaceSection("tls", markdown, undefined, { after: "xs-text" });
    console.log("wrote the TLS results to bench/RESULTS.md");
  }
} finally {
  peers.proc.stdin.end();
  ossl.proc.kill("SIGTERM");
  pki.remove();
}
