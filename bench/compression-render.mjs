// The compression section of bench/RESULTS.md, from one run of bench/compression.mjs.
import { createRequire } from "node:module";
import { KINDS } from "./compression-payloads.mjs";
import { cell, num, ratio, summary } from "./stats.mjs";

const require = createRequire(import.meta.url);
const version = (name) => require(`${name}/package.json`).version;
const iso = (d) => d.toISOString().replace(/\.\d+Z$/, "Z");
const bytes = (size) => (size >= 1024 ? `${size / 1024} KiB` : `${size} B`);
const fixed3 = (v) => v.toFixed(3);

export function renderCompression({ machine, built, started, finished, loads, runs, quick, clients, sizes, echo, provider, xs }) {
  const load = summary(loads);
  const lines = [
    `### Node: permessage-deflate (RFC 7692), results of \`npm run bench\`${quick ? " --quick" : ""} (\`bench/compression.mjs\`)`,
    "",
    `Run ${iso(started)} – ${iso(finished)} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB RAM, ${machine.os}, Node ${machine.node} (zlib ${process.versions.zlib}); ws ${version("ws")}, undici ${version("undici")}. This project: ${built.source}.`,
    `Load average (1 min) before the run ${machine.loadavg[0].toFixed(2)}, sampled before each client process: ${load.min.toFixed(2)}–${load.max.toFixed(2)} (median ${load.median.toFixed(2)}) on ${machine.cores} cores.`,
  ];
  if (echo) lines.push("", ...echoTables({ echo, runs, clients, sizes }));
  if (provider) lines.push("", ...providerTable(provider));
  if (xs) lines.push("", ...xsTable(xs));
  return lines.join("\n");
}

function echoTables({ echo, runs, clients, sizes }) {
  const { samples, errors } = echo;
  const find = (run, client, mode, size, kind) => samples.find((s) => s.run === run && s.client === client && s.mode === mode && s.size === size && s.kind === kind);
  const values = (client, mode, size, kind, key) => samples.filter((s) => s.client === client && s.mode === mode && s.size === size && s.kind === kind).map((s) => s[key]);
  const stat = (v) => (v.length ? summary(v) : undefined);
  /** Per-run ratio against ws (client ÷ ws for rates, ws ÷ client for CPU time). */
  const vsWs = (client, mode, size, kind, key, lowerIsBetter) => {
    const out = [];
    for (let run = 0; run < runs; run++) {
      const mine = find(run, client, mode, size, kind);
      const ws = find(run, "ws", mode, size, kind);
      if (mine && ws) out.push(lowerIsBetter ? ws[key] / mine[key] : mine[key] / ws[key]);
    }
    return stat(out);
  };
  const rows = sizes.flatMap((size) => KINDS.map((kind) => ({ size, kind })));
  const label = ({ size, kind }) => `${kind.title} | ${bytes(size)}`;
  const modes = ["off", "on"];
  const columns = modes.flatMap((mode) => clients.map((c) => ({ mode, c })));
  const titles = columns.map(({ mode, c }) => `${c.title}, ${mode === "on" ? "compressed" : "plain"}`).join(" | ");
  const rule = columns.map(() => "---:").join("|");
  const count = (size, mode) => samples.find((s) => s.size === size && s.mode === mode)?.count ?? "?";
  const wire = (client, mode, size, kind, key) => {
    const s = stat(values(client, mode, size, kind, key));
    return s ? s.median : undefined;
  };
  /** The ratio, with its range should runs ever differ in the third decimal. */
  const wireCell = (client, mode, size, kind, key) => {
    const s = stat(values(client, mode, size, kind, key));
    if (!s) return "—";
    return fixed3(s.min) === fixed3(s.max) ? fixed3(s.median) : `${fixed3(s.median)} (${fixed3(s.min)}–${fixed3(s.max)})`;
  };

  // Server to client is ws's compressor whichever client listens; one column unless the clients differ.
  const downCell = (row) => {
    const per = clients.map((c) => [c, wire(c.name, "on", row.size, row.kind.name, "down")]).filter(([, v]) => v !== undefined);
    if (!per.length) return "—";
    const same = per.every(([, v]) => Math.abs(v - per[0][1]) <= 0.005 * per[0][1]);
    return same ? wireCell(per[0][0].name, "on", row.size, row.kind.name, "down") : per.map(([c]) => `${c.name} ${wireCell(c.name, "on", row.size, row.kind.name, "down")}`).join(", ");
  };
  const plainCell = (row) => {
    const up = wire("ws", "off", row.size, row.kind.name, "up") ?? wire(clients[0].name, "off", row.size, row.kind.name, "up");
    const down = wire("ws", "off", row.size, row.kind.name, "down") ?? wire(clients[0].name, "off", row.size, row.kind.name, "down");
    return up === undefined ? "—" : `${fixed3(up)} / ${fixed3(down)}`;
  };

  const lines = [
    `Round trips against a \`ws\` echo server on 127.0.0.1 (its own process) with \`perMessageDeflate: { threshold: 0 }\` (every message compressed; ws's defaults otherwise: 15-bit windows and context takeover both ways), and against the same server without the extension. Each client offers the extension with its defaults plus \`threshold: 0\` (this project: \`perMessageDeflate: { threshold: 0 }\`; ws: the same option); undici cannot be configured and always offers it. Per run, each client runs in its own process per message size and mode, the five payload kinds in turn, each on its own connection: after a warm-up of a tenth as many messages, ${sizes.map((s) => `${count(s, "on")} compressed / ${count(s, "off")} plain messages of ${bytes(s)}`).join(", ")}, 8 in flight, every echo checked for type and length. Payloads: the Autobahn 12.x-style corpora of \`host-tests/conformance/compression-payloads.ts\` (a different slice per message) and fresh random bytes per message. ${runs} run(s); the client order rotates between runs. Cells: median (min–max).`,
    "",
    `undici ${version("undici")} offers \`permessage-deflate; client_max_window_bits\` and inflates what it receives, but sends every message uncompressed (its sender has no compressor), so its client → server bytes stay at the plain figure.`,
    "",
    "Bytes on the wire per byte of payload, counted at the server's TCP socket for the measured messages (frame headers included, handshake excluded; below 1 is smaller than the payload). Client → server is each client's compressor; server → client is ws's, the same for every client. zlib is deterministic, so these ratios repeat from run to run (a range would show if they did not).",
    "",
    `| Payload | size | plain, either way (client → server / server → client) | ${clients.map((c) => `client → server, ${c.title}`).join(" | ")} | server → client, compressed |`,
    `|---|---|---:|${clients.map(() => "---:").join("|")}|---:|`,
    ...rows.map((row) => `| ${label(row)} | ${plainCell(row)} | ${clients.map((c) => wireCell(c.name, "on", row.size, row.kind.name, "up")).join(" | ")} | ${downCell(row)} |`),
    "",
    "Round trips per second (the echo server's compression is part of every round trip, so this is the end-to-end rate a client sees against a compressing ws server), and the client's rate ÷ ws's rate in the same run and mode (above 1 is faster than ws):",
    "",
    `| Payload | size | ${titles} |`,
    `|---|---|${rule}|`,
    ...rows.map((row) => `| ${label(row)} | ${columns.map(({ mode, c }) => {
      const s = stat(values(c.name, mode, row.size, row.kind.name, "msgPerSec"));
      const r = c.name === "ws" ? undefined : vsWs(c.name, mode, row.size, row.kind.name, "msgPerSec", false);
      return s ? `${cell(s)}${r ? `, ${ratio(r.median)}` : ""}` : "—";
    }).join(" | ")} |`),
    "",
    "CPU time the client process spent per round trip (µs, user + system, all threads, including zlib's thread pool: compressing what it sends and inflating what it receives; lower is better), and ws's CPU time ÷ the client's in the same run and mode (above 1 is less CPU than ws). Not inflated by other processes waiting for the cores, so the steadier comparison on a busy machine:",
    "",
    `| Payload | size | ${titles} |`,
    `|---|---|${rule}|`,
    ...rows.map((row) => `| ${label(row)} | ${columns.map(({ mode, c }) => {
      const s = stat(values(c.name, mode, row.size, row.kind.name, "cpuUsPerMessage"));
      const r = c.name === "ws" ? undefined : vsWs(c.name, mode, row.size, row.kind.name, "cpuUsPerMessage", true);
      return s ? `${cell(s)}${r ? `, ${ratio(r.median)}` : ""}` : "—";
    }).join(" | ")} |`),
  ];
  if (errors.length) lines.push("", "Failures during this run:", ...errors.map((e) => `- ${e}`));
  return lines;
}

function providerTable({ rows, rounds }) {
  const us = (s) => cell(s, num);
  return [
    `The compression provider alone, in process (\`bench/compression-provider.mjs\`): CPU time per message to compress and to inflate JSON messages (the 12.1 corpus, a different slice each), for this project's \`nodeCompression\` (\`node/deflate.ts\`: one \`deflateRawSync\` / \`inflateRawSync\` per message, the window carried as a preset dictionary) and ws's \`PerMessageDeflate\` (persistent zlib streams, asynchronous: its figures include the thread-pool hand-off per message). Window bits apply to both directions; context takeover on: each round first fills a 32 KiB window with earlier messages (untimed), then times at least 16 messages and 64 KiB. ${rounds} alternating rounds on fresh compressors; µs: median (min–max) of the rounds; ws ÷ this project: median of the per-round ratios (above 1: this project uses less CPU). Both compress with zlib's default level and memLevel 8, so the bytes are the same: the last column holds for both.`,
    "",
    "| Message | window bits | context takeover | compress µs, this project | compress µs, ws | ws ÷ this project | inflate µs, this project | inflate µs, ws | ws ÷ this project | compressed / payload |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${bytes(r.size)} | ${r.windowBits} | ${r.takeover ? "on" : "off"} | ${us(r.ours.compress)} | ${us(r.ws.compress)} | ${ratio(r.vsWs.compress.median)} | ${us(r.ours.inflate)} | ${us(r.ws.inflate)} | ${ratio(r.vsWs.inflate.median)} | ${fixed3(r.ours.ratio)}${Math.abs(r.ours.ratio - r.ws.ratio) > 0.0005 ? ` (ws ${fixed3(r.ws.ratio)})` : ""} |`),
  ];
}

function xsTable({ rows, bridge, messages, repeats, slot, esp32Slot, sizes }) {
  const at = (config, size) => rows.find((r) => r.config === config && r.size === size);
  const both = (d) => `${d.chunks + d.slots * esp32Slot} B (${d.chunks + d.slots * slot} B)`;
  const delta = (a, b) => ({ chunks: a.chunks - b.chunks, slots: a.slots - b.slots });
  const configs = [...new Set(rows.map((r) => r.config))];
  const idleSize = sizes.includes(4096) ? 4096 : sizes[0];
  const largest = sizes[sizes.length - 1];
  const header = `| Connection | extension agreed | open, idle | ${sizes.map((s) => `after one ${bytes(s)} message`).join(" | ")} | after ${messages} of ${bytes(largest)} |`;
  const rule = `|---|---|---:|${sizes.map(() => "---:").join("|")}|---:|`;
  const line = (title, extensions, pick) => `| ${title} | ${extensions} | ${both(pick(idleSize, "idle"))} | ${sizes.map((s) => both(pick(s, "first"))).join(" | ")} | ${both(pick(largest, "last"))} |`;
  const lines = [
    "XS (xsnap-worker, the host simulator; `bench/compression-xs.mjs`): heap held by one connection of a real `Client` on the device runtime (ECMA-419 TCP through the simulator) to a local `ws` server, from XS snapshots after a collection, against the heap before the connection was opened; each received JSON message is dropped by the application. The device provider only inflates (what it sends goes uncompressed, as on a device). Cells: ESP32 estimate (16-byte slots), then this host's figure (32-byte slots). Exact counts, not timings.",
    "",
    "The inflater itself is outside these figures: in the simulator it runs in the Node parent (`simulator/shims/compression.ts` forwards to node:zlib), keeping the last 2^w bytes of inflated data per connection there; on a device the SDK's `inflate` module keeps about 44 KiB of native memory per connection (see docs/compression.md), also outside the XS heap. What the XS heap holds is the extension's own state: the agreement, the transform and a handle to the inflater.",
    "",
    header,
    rule,
    ...configs.map((c) => {
      const any = at(c, idleSize);
      return line(any.title, any.extensions ? `\`${any.extensions}\`` : "none", (size, key) => at(c, size)[key]);
    }),
  ];
  const plain = configs.find((c) => c === "plain");
  if (plain) {
    for (const c of configs.filter((x) => x !== plain)) {
      lines.push(line(`difference: ${at(c, idleSize).short} − ${at(plain, idleSize).short}`, "", (size, key) => delta(at(c, size)[key], at(plain, size)[key])));
    }
  }
  const slots = (v) => (v === undefined ? "—" : v.toFixed(0));
  const slotRange = (s) => (s === undefined ? "—" : s.min.toFixed(0) === s.max.toFixed(0) ? s.median.toFixed(0) : `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`);
  const compressed = configs.filter((c) => c !== "plain");
  lines.push(
    "",
    `Slots allocated per received message (xsnap's meter after a collection, for bursts of two lengths sent by the server; the slope cancels the calls' own cost; the application drops each message; median (min–max) of ${repeats} slopes). In the simulator every compressed message costs two synchronous requests to the parent's inflater (the message's bytes, then the 0x00 0x00 0xff 0xff tail with flush), whose encoding and decoding in XS is measured on its own (\`bridge\`) and is not what a device pays: there the SDK's \`inflate\` hands back 1 KiB chunks through \`onData\` instead. The last columns are what remains, the core and the transport receiving the compressed frame, to compare with the first column, the same for the plain frame (a plain 64 KiB frame takes several times more reads than its compressed form, hence more slots there). The slope varies with how the simulator's reads happen to batch, hence the ranges.`,
    "",
    `| Received message | no extension | ${compressed.map((c) => `${at(c, idleSize).short}`).join(" | ")} | bridge requests alone | ${compressed.map((c) => `${at(c, idleSize).short} − bridge`).join(" | ")} |`,
    `|---|---:|${compressed.map(() => "---:").join("|")}|---:|${compressed.map(() => "---:").join("|")}|`,
    ...sizes.map((size) => {
      const rest = (c) => {
        const v = at(c, size)?.perMessage;
        return v === undefined || bridge[size] === undefined ? undefined : v.median - bridge[size];
      };
      return `| ${bytes(size)} JSON text | ${slotRange(at("plain", size)?.perMessage)} | ${compressed.map((c) => slotRange(at(c, size)?.perMessage)).join(" | ")} | ${slots(bridge[size])} | ${compressed.map((c) => slots(rest(c))).join(" | ")} |`;
    }),
  );
  return lines;
}
