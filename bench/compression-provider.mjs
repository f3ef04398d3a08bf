// The compression provider alone, in process: µs of CPU time per compress and
// per inflate of one message against message size, window bits and context
// takeover, for this project's node:zlib provider (node/deflate.ts,
// `nodeCompression`: one deflateRawSync / inflateRawSync per message with the
// window carried as a preset dictionary) and, as the reference, ws's
// PerMessageDeflate (persistent zlib streams, asynchronous). Payload: the JSON
// corpus of the conformance suite, a different slice per message.
import { createRequire } from "node:module";
import path from "node:path";
import { messages } from "./compression-payloads.mjs";
import { median } from "./stats.mjs";

const require = createRequire(import.meta.url);
// Not in ws's package exports: loaded by file, next to ws's own entry.
const WsPerMessageDeflate = require(path.join(path.dirname(require.resolve("ws")), "lib/permessage-deflate.js"));

export const PROVIDER_SIZES = [64, 256, 4096, 65536];
export const WINDOW_BITS = [8, 10, 15];

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** This project's provider: a fresh deflater and inflater per round, as a new connection would have. */
function oursRound(nodeCompression, list, primed, windowBits, takeover) {
  const deflater = nodeCompression.createDeflater({ windowBits });
  const inflater = nodeCompression.createInflater(windowBits, !takeover);
  const compressed = [];
  for (let i = 0; i < primed; i++) compressed.push(deflater.compress(list[i], !takeover));
  let start = cpuMs();
  for (let i = primed; i < list.length; i++) compressed.push(deflater.compress(list[i], !takeover));
  const compressMs = cpuMs() - start;
  const limit = 2 * list[0].length + 1024;
  for (let i = 0; i < primed; i++) inflater.push(compressed[i], true, limit);
  start = cpuMs();
  for (let i = primed; i < list.length; i++) {
    const out = inflater.push(compressed[i], true, limit);
    if (!out || out.reduce((n, piece) => n + piece.length, 0) !== list[i].length) throw new Error(`ours: message ${i} did not inflate to its size`);
  }
  const inflateMs = cpuMs() - start;
  dispose(deflater, inflater);
  // On the wire the sync-flush tail is dropped (RFC 7692 7.2.1), as ws's compress drops it.
  const wire = compressed.slice(primed).reduce((n, c) => n + c.length - (endsWithTail(c) ? 4 : 0), 0);
  return { compressMs, inflateMs, wire };
}

function endsWithTail(c) {
  const n = c.length;
  return n >= 4 && c[n - 4] === 0 && c[n - 3] === 0 && c[n - 2] === 0xff && c[n - 1] === 0xff;
}

function dispose(...parts) {
  for (const part of parts) part.dispose();
}

/** ws's PerMessageDeflate with the same agreement (client side: compresses with client_*, inflates with server_*). */
async function wsRound(list, primed, windowBits, takeover) {
  const pmd = new WsPerMessageDeflate({ threshold: 0, concurrencyLimit: 1 });
  pmd.params = {
    client_max_window_bits: windowBits, client_no_context_takeover: !takeover,
    server_max_window_bits: windowBits, server_no_context_takeover: !takeover,
  };
  const compress = (data) => new Promise((resolve, reject) => pmd.compress(data, true, (e, out) => (e ? reject(e) : resolve(out))));
  const inflate = (data) => new Promise((resolve, reject) => pmd.decompress(data, true, (e, out) => (e ? reject(e) : resolve(out))));
  const compressed = [];
  for (let i = 0; i < primed; i++) compressed.push(await compress(list[i]));
  let start = cpuMs();
  for (let i = primed; i < list.length; i++) compressed.push(await compress(list[i]));
  const compressMs = cpuMs() - start;
  for (let i = 0; i < primed; i++) await inflate(compressed[i]);
  start = cpuMs();
  for (let i = primed; i < list.length; i++) {
    const out = await inflate(compressed[i]);
    if (out.length !== list[i].length) throw new Error(`ws: message ${i} did not inflate to its size`);
  }
  const inflateMs = cpuMs() - start;
  pmd.cleanup();
  const wire = compressed.slice(primed).reduce((n, c) => n + c.length, 0);
  return { compressMs, inflateMs, wire };
}

/**
 * Rows { size, windowBits, takeover, ours: {compress, inflate, ratio}, ws: {...}, vsWs: {compress, inflate} }:
 * µs per message, median (min–max) over `rounds` alternating rounds, ratios ws ÷ ours within each round.
 */
export async function measureProvider({ nodeCompression, quick = false, log = () => {} }) {
  const rounds = quick ? 2 : 5;
  const rows = [];
  for (const size of PROVIDER_SIZES) {
    // Enough messages per round to fill a 32 KiB window before timing, and to time a few hundred µs at least.
    const primed = Math.ceil(32768 / size);
    const timed = Math.max(16, Math.floor((quick ? 16384 : 65536) / size));
    const list = (await messages("json", size, primed + timed)).map((text) => new Uint8Array(Buffer.from(text)));
    for (const windowBits of WINDOW_BITS) {
      for (const takeover of [true, false]) {
        const samples = { ours: [], ws: [] };
        await wsRound(list, primed, windowBits, takeover); // warm-up
        oursRound(nodeCompression, list, primed, windowBits, takeover);
        for (let r = 0; r < rounds; r++) {
          samples.ours.push(oursRound(nodeCompression, list, primed, windowBits, takeover));
          samples.ws.push(await wsRound(list, primed, windowBits, takeover));
        }
        const side = (s) => ({
          compress: stat(s.map((x) => (x.compressMs * 1000) / timed)),
          inflate: stat(s.map((x) => (x.inflateMs * 1000) / timed)),
          ratio: s[0].wire / (timed * size),
        });
        const row = {
          size, windowBits, takeover, ours: side(samples.ours), ws: side(samples.ws),
          vsWs: {
            compress: stat(samples.ours.map((o, i) => samples.ws[i].compressMs / o.compressMs)),
            inflate: stat(samples.ours.map((o, i) => samples.ws[i].inflateMs / o.inflateMs)),
          },
        };
        rows.push(row);
        log(`provider ${String(size).padStart(6)} B, ${String(windowBits).padStart(2)} bits, takeover ${takeover ? "on " : "off"}: ours ${row.ours.compress.median.toFixed(1)} µs compress / ${row.ours.inflate.median.toFixed(1)} µs inflate, ws ${row.ws.compress.median.toFixed(1)} / ${row.ws.inflate.median.toFixed(1)}, wire/payload ${row.ours.ratio.toFixed(3)} (ws ${row.ws.ratio.toFixed(3)})`);
      }
    }
  }
  return { rows, rounds };
}

function stat(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}
