// One client process of the compression benchmark: one client, compression on
// or off, one message size, every payload kind in turn (each on its own
// connection, so no kind inherits another's window). Usage:
//   node bench/compression-client.mjs <ours|ws|undici> <on|off> <size> <http base url> [scale]
// Prints one JSON line per payload kind: round trips per second, the client's
// CPU time per message, and the bytes on the wire each way as the server's
// socket counted them (frame headers included), for the measured messages only.
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { byteLength, KINDS, messages } from "./compression-payloads.mjs";

const [client, mode, sizeText, base, scaleText = "1"] = process.argv.slice(2);
const size = Number(sizeText);
const scale = Number(scaleText);
const compress = mode === "on";
const WINDOW = 8; // messages in flight
// About half a second of round trips per payload kind on this machine: plain echoes run 5-10x faster.
const COUNTS = { off: { 256: 10000, 4096: 5000, 65536: 600 }, on: { 256: 2000, 4096: 1000, 65536: 150 } };
const count = Math.max(2 * WINDOW, Math.round(COUNTS[mode][size] * scale));
const warmup = Math.max(2 * WINDOW, Math.round(count / 10));

// BENCH_OURS=<bundle> measures another build, as for the other workloads (bench/clients.mjs).
const OURS = pathToFileURL(path.resolve(process.env.BENCH_OURS ?? ".bench-out/ours.mjs")).href;

/** { send, close, extensions, onMessage } for each client, with permessage-deflate offered or not. */
const OPENERS = {
  async ours(url) {
    const { Client, nodeRuntime } = await import(OURS);
    return new Promise((resolve, reject) => {
      const conn = { onMessage: null, extensions: "" };
      const client = new Client(nodeRuntime, url, compress ? { perMessageDeflate: { threshold: 0 } } : {}, {
        onOpen: (info) => { conn.extensions = info.extensions; resolve(conn); },
        onMessage: (data, binary) => conn.onMessage(data, binary),
        onError: (error) => reject(error),
      });
      conn.send = (data) => client.send(data);
      conn.close = () => client.close();
    });
  },
  async ws(url) {
    const { WebSocket } = await import("ws");
    const ws = new WebSocket(url, { perMessageDeflate: compress ? { threshold: 0 } : false });
    return new Promise((resolve, reject) => {
      const conn = { onMessage: null, send: (data) => ws.send(data), close: () => ws.close() };
      ws.on("open", () => { conn.extensions = ws.extensions; resolve(conn); });
      ws.on("error", reject);
      ws.on("message", (data, binary) => conn.onMessage(binary ? data : data.toString(), binary));
    });
  },
  // undici always offers permessage-deflate; only the server decides.
  async undici(url) {
    const { WebSocket } = await import("undici");
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    return new Promise((resolve, reject) => {
      const conn = { onMessage: null, send: (data) => ws.send(data), close: () => ws.close() };
      ws.onopen = () => { conn.extensions = ws.extensions; resolve(conn); };
      ws.onerror = (event) => reject(event.error ?? new Error("websocket error"));
      ws.onmessage = (event) => conn.onMessage(event.data, typeof event.data !== "string");
    });
  },
};

function stats(id) {
  return new Promise((resolve, reject) => {
    http.get(`${base}/stats?id=${id}`, { agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`stats ${id}: HTTP ${res.statusCode}`))));
    }).on("error", reject);
  });
}

const lengthOf = (data) => (typeof data === "string" ? data.length : data.byteLength);

/** Echoes `list` with at most WINDOW in flight, checking each echo's type and length; resolves with elapsed ms. */
function echo(conn, list) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    conn.onMessage = (data, binary) => {
      const expected = list[received];
      if (binary !== (typeof expected !== "string") || lengthOf(data) !== lengthOf(expected)) {
        reject(new Error(`${client}: echo ${received} is ${binary ? "binary" : "text"} of length ${lengthOf(data)}, expected ${lengthOf(expected)}`));
        return;
      }
      received++;
      if (sent < list.length) conn.send(list[sent++]);
      if (received === list.length) resolve(performance.now() - start);
    };
    const start = performance.now();
    while (sent < Math.min(WINDOW, list.length)) conn.send(list[sent++]);
  });
}

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measure(kind) {
  const all = await messages(kind.name, size, warmup + count);
  const id = `${client}-${mode}-${kind.name}-${size}-${process.pid}`;
  const conn = await OPENERS[client](`${base.replace(/^http/, "ws")}/${compress ? "deflate" : "plain"}?id=${id}`);
  const negotiated = /permessage-deflate/.test(conn.extensions ?? "");
  if (negotiated !== compress) throw new Error(`${client}: permessage-deflate ${negotiated ? "agreed" : "not agreed"} with compression ${mode} (extensions "${conn.extensions}")`);
  await echo(conn, all.slice(0, warmup));
  const list = all.slice(warmup);
  const before = await stats(id);
  const cpuStart = cpuMs();
  const elapsed = await echo(conn, list);
  const cpu = cpuMs() - cpuStart;
  const after = await stats(id);
  conn.close();
  const payload = list.reduce((sum, m) => sum + byteLength(m), 0);
  return {
    client, mode, size, kind: kind.name, count, extensions: conn.extensions,
    msgPerSec: count / (elapsed / 1000),
    cpuUsPerMessage: (cpu * 1000) / count,
    up: (after.read - before.read) / payload,
    down: (after.written - before.written) / payload,
  };
}

async function run() {
  if (!OPENERS[client]) throw new Error(`unknown client ${client}; known: ${Object.keys(OPENERS).join(", ")}`);
  for (const kind of KINDS) process.stdout.write(JSON.stringify(await measure(kind)) + "\n");
}

const watchdog = setTimeout(() => { console.error(`${client}/${mode}/${size}: no result after 300 s`); process.exit(2); }, 300000);
run().then(() => { clearTimeout(watchdog); process.exit(0); }, (error) => { console.error(error?.stack ?? String(error)); process.exit(1); });
