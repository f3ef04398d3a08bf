// One client process: runs one workload once against the given peer and prints
// one JSON line with the measurement. Usage:
//   node bench/client.mjs <client> <workload> <echo|raw base url> [scale]
// A warm-up pass (a tenth of the count, at least a few messages) runs first on
// its own connection so every client is measured with its code already optimised.
import { open } from "./clients.mjs";
import { maskedFrameSize, multiByteText, pattern, workload } from "./workloads.mjs";

const [kind, name, base, scaleText = "1"] = process.argv.slice(2);
const spec = workload(name);
const scale = Number(scaleText);
const count = Math.max(spec.window ?? 1, Math.round(spec.count * scale));
const warmup = Math.max(spec.window ?? 1, Math.round(count / 10), spec.size >= 65536 ? 4 : 200);
const payload = spec.text ? multiByteText(spec.size) : pattern(spec.size);
const expectedLength = spec.text ? payload.length : spec.size;

function lengthOf(data) {
  return typeof data === "string" ? data.length : data.byteLength;
}

function check(data, binary) {
  if (binary === spec.text || lengthOf(data) !== expectedLength) {
    throw new Error(`${kind}/${name}: got a ${binary ? "binary" : "text"} message of length ${lengthOf(data)}, expected ${spec.text ? "text" : "binary"} of ${expectedLength}`);
  }
}

/** Echo with at most `window` messages in flight; resolves with elapsed ms. */
function echo(conn, n) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    conn.onMessage = (data, binary) => {
      try { check(data, binary); } catch (error) { reject(error); return; }
      received++;
      if (sent < n) { sent++; conn.send(payload); }
      if (received === n) resolve(performance.now() - start);
    };
    const start = performance.now();
    for (; sent < Math.min(spec.window, n); sent++) conn.send(payload);
  });
}

async function blast(n) {
  const conn = await open(kind, `${base}/blast?size=${spec.size}&count=${n}&text=${spec.text ? 1 : 0}`);
  const elapsed = await new Promise((resolve, reject) => {
    let received = 0;
    conn.onMessage = (data, binary) => {
      try { check(data, binary); } catch (error) { reject(error); return; }
      if (++received === n) resolve(performance.now() - start);
    };
    const start = performance.now();
    conn.send("go");
  });
  conn.close();
  return elapsed;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const HIGH_WATER = 1024 * 1024;

async function sink(n) {
  const conn = await open(kind, `${base}/sink?bytes=${n * maskedFrameSize(spec.size)}`);
  const done = new Promise((resolve) => { conn.onMessage = resolve; });
  const start = performance.now();
  let sent = 0;
  while (sent < n) {
    while (sent < n && conn.buffered() < HIGH_WATER) { conn.send(payload); sent++; }
    if (sent < n) await tick();
  }
  await done;
  const elapsed = performance.now() - start;
  conn.close();
  return elapsed;
}

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function run() {
  let elapsed;
  let cpuStart = 0;
  if (spec.kind === "echo") {
    const conn = await open(kind, base);
    await echo(conn, warmup);
    cpuStart = cpuMs();
    elapsed = await echo(conn, count);
    conn.close();
  } else if (spec.kind === "blast") {
    await blast(warmup);
    cpuStart = cpuMs();
    elapsed = await blast(count);
  } else {
    await sink(warmup);
    cpuStart = cpuMs();
    elapsed = await sink(count);
  }
  // CPU time of this process (all threads, kernel included) per message: unlike wall time,
  // other processes competing for the cores do not inflate it.
  const cpuUsPerMessage = ((cpuMs() - cpuStart) * 1000) / count;
  const bytes = count * spec.size;
  const value = spec.unit === "µs/round trip" ? (elapsed * 1000) / count
    : spec.unit === "msg/s" ? count / (elapsed / 1000)
    : bytes / 1e6 / (elapsed / 1000);
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ client: kind, workload: name, value, unit: spec.unit, cpuUsPerMessage, elapsedMs: elapsed, count, bytes, maxRssMiB }) + "\n");
}

const watchdog = setTimeout(() => { console.error(`${kind}/${name}: no result after 120 s`); process.exit(2); }, 120000);
run().then(() => { clearTimeout(watchdog); process.exit(0); }, (error) => { console.error(error?.stack ?? String(error)); process.exit(1); });
