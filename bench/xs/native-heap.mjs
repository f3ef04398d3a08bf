// Native heap held by the mbedTLS C core in this (the parent) process, counted
// by bench/xs/native-heap.c, which must be preloaded: withHeapCounter() builds it
// and runs this same script again under LD_PRELOAD (the current process then
// only waits for that run). Without a C compiler the bench runs as it is and
// reports the native figures as not measured.
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const MAX_RANGES = 16;
const PEAK_AT = 32 + MAX_RANGES * 16; // native-heap.c's struct counter
const LIBRARIES = /\/(libmbedtls|libmbedx509|libmbedcrypto)[^/]*$|\/wsx_tls[^/]*\.node$/;

/** Returns a counter when this process has the preload; otherwise re-runs the script under it and exits with its status. */
export function withHeapCounter() {
  const file = process.env.WSX_HEAP_COUNT_FILE;
  if (file && process.env.WSX_HEAP_COUNT_ACTIVE === "1") {
    // Children (the xsnap worker, openssl) must not inherit the preload.
    delete process.env.LD_PRELOAD;
    delete process.env.WSX_HEAP_COUNT_FILE;
    delete process.env.WSX_HEAP_COUNT_ACTIVE;
    return new HeapCounter(file);
  }
  if (process.env.WSX_HEAP_COUNT_ACTIVE === "0") return null; // tried: no compiler
  const library = path.resolve(".bench-out/native-heap.so");
  try {
    execFileSync("cc", ["-shared", "-fPIC", "-O2", "-o", library, path.resolve("bench/xs/native-heap.c")], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    console.error(`XS bench: cannot build the native heap counter (${String(error.stderr ?? error).trim()}); native figures will be missing`);
    process.env.WSX_HEAP_COUNT_ACTIVE = "0";
    return null;
  }
  const counterFile = path.join(os.tmpdir(), `ws-bench-heap-${process.pid}`);
  // --expose-gc: the bench collects the binding's closed objects to see their C memory come back.
  const run = spawnSync(process.execPath, ["--expose-gc", ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, LD_PRELOAD: library, WSX_HEAP_COUNT_FILE: counterFile, WSX_HEAP_COUNT_ACTIVE: "1" },
  });
  rmSync(counterFile, { force: true });
  process.exit(run.status ?? 1);
}

class HeapCounter {
  constructor(file) {
    this.file = file;
    this.watching = [];
  }

  /** Count blocks allocated from the mbedTLS libraries and the wsx_tls addon (call once the addon is loaded). */
  watchLoadedLibraries() {
    const ranges = [];
    for (const line of readFileSync("/proc/self/maps", "utf8").split("\n")) {
      const [span, perms, , , , name] = line.trim().split(/\s+/);
      if (!name || !perms?.includes("x") || !LIBRARIES.test(name)) continue;
      const [start, end] = span.split("-").map((hex) => BigInt(`0x${hex}`));
      ranges.push([start, end]);
      if (!this.watching.includes(name)) this.watching.push(name);
    }
    if (ranges.length === 0 || ranges.length > MAX_RANGES) throw new Error(`native heap counter: ${ranges.length} code ranges to watch`);
    const block = Buffer.alloc(8 + ranges.length * 16);
    ranges.forEach(([start, end], i) => {
      block.writeBigUInt64LE(start, 8 + i * 16);
      block.writeBigUInt64LE(end, 16 + i * 16);
    });
    // Ranges first, then their count, so the counter never reads a half-written range.
    const fd = openSync(this.file, "r+");
    writeSync(fd, block, 8, block.length - 8, 32);
    block.writeBigInt64LE(BigInt(ranges.length), 0);
    writeSync(fd, block, 0, 8, 24);
    closeSync(fd);
  }

  /** { live bytes, allocations, frees, peak } so far. */
  read() {
    const fd = openSync(this.file, "r");
    const buf = Buffer.alloc(PEAK_AT + 8);
    readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    return {
      live: Number(buf.readBigInt64LE(0)),
      allocations: Number(buf.readBigInt64LE(8)),
      frees: Number(buf.readBigInt64LE(16)),
      peak: Number(buf.readBigInt64LE(PEAK_AT)),
    };
  }

  /** Start a new peak from the bytes live now. */
  resetPeak() {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(this.read().live), 0);
    const fd = openSync(this.file, "r+");
    writeSync(fd, buf, 0, 8, PEAK_AT);
    closeSync(fd);
  }
}
