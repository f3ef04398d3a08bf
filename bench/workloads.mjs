// The workloads, shared by the orchestrator (names, units) and the client processes (sizes).
// `scale` shrinks the counts for a --quick smoke run; the message sizes never change.

/** 1 KiB of UTF-8 mixing 1-, 2-, 3- and 4-byte characters (exactly 1024 bytes). */
export function multiByteText(bytes = 1024) {
  const pieces = ["a", "é", "ü", "中", "文", "€", "🚀", "𝄞", " ", "z"];
  let text = "";
  let length = 0;
  for (let i = 0; ; i++) {
    const piece = pieces[i % pieces.length];
    const size = Buffer.byteLength(piece);
    if (length + size > bytes) break;
    text += piece;
    length += size;
  }
  return text + "x".repeat(bytes - length);
}

export function pattern(size) {
  const bytes = new Uint8Array(size);
  let x = 12345;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/**
 * kind: echo (through the ws echo server), blast (raw server sends pre-built
 * frames), sink (raw server discards what the client sends).
 * better: "lower" for latency, "higher" for rates.
 */
export const WORKLOADS = [
  { name: "rtt32", title: "Sequential round trips, 32-byte text", kind: "echo", size: 32, text: true, count: 5000, window: 1, unit: "µs/round trip", better: "lower" },
  { name: "pipe64", title: "Pipelined 64-byte binary echo", kind: "echo", size: 64, text: false, count: 200000, window: 100, unit: "msg/s", better: "higher" },
  { name: "text1k", title: "1 KiB multi-byte UTF-8 text echo", kind: "echo", size: 1024, text: true, count: 20000, window: 32, unit: "MB/s", better: "higher" },
  { name: "bin4m", title: "4 MiB binary echo", kind: "echo", size: 4 * 1024 * 1024, text: false, count: 48, window: 2, unit: "MB/s", better: "higher" },
  { name: "recv64", title: "Receive only: 64-byte binary frames (raw blaster)", kind: "blast", size: 64, text: false, count: 500000, unit: "msg/s", better: "higher" },
  { name: "recvText1k", title: "Receive only: 1 KiB UTF-8 text frames (raw blaster)", kind: "blast", size: 1024, text: true, count: 50000, unit: "MB/s", better: "higher" },
  { name: "recv64k", title: "Receive only: 64 KiB binary frames (raw blaster)", kind: "blast", size: 65536, text: false, count: 4000, unit: "MB/s", better: "higher" },
  { name: "send64", title: "Send only: 64-byte binary (raw sink)", kind: "sink", size: 64, text: false, count: 200000, unit: "msg/s", better: "higher" },
  { name: "send64k", title: "Send only: 64 KiB binary (raw sink)", kind: "sink", size: 65536, text: false, count: 2000, unit: "MB/s", better: "higher" },
];

export function workload(name) {
  const found = WORKLOADS.find((w) => w.name === name);
  if (!found) throw new Error(`unknown workload ${name}; known: ${WORKLOADS.map((w) => w.name).join(", ")}`);
  return found;
}

/** Bytes of one client-to-server (masked) frame carrying `size` payload bytes. */
export function maskedFrameSize(size) {
  return 2 + (size < 126 ? 0 : size < 65536 ? 2 : 8) + 4 + size;
}
