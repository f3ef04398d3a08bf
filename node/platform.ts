import { isUtf8 } from "node:buffer";
import { debuglog } from "node:util";
import { randomFillSync } from "node:crypto";
import type { Platform } from "../modules/platform/platform";
import { nodeCompression } from "./deflate";
import { slabFrame } from "./frame-slab";

// Masking keys are drawn from a pool so each frame costs no system call.
const POOL_SIZE = 8192;
const pool = new Uint8Array(POOL_SIZE);
let poolAt = POOL_SIZE;

function randomFill(bytes: Uint8Array): void {
  if (bytes.length > POOL_SIZE / 4) { randomFillSync(bytes); return; }
  if (poolAt + bytes.length > POOL_SIZE) { randomFillSync(pool); poolAt = 0; }
  // A plain loop: masking keys are 4 bytes, too few for a subarray view to pay off.
  for (let i = 0; i < bytes.length; i++) bytes[i] = pool[poolAt + i];
  poolAt += bytes.length;
}

// NODE_DEBUG=websocket (Node's convention, as NODE_DEBUG=http): read once, when the package loads.
const log = debuglog("websocket");

export const nodePlatform: Platform = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  randomFill,
  decodeUtf8: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
  encodeUtf8: (text) => Buffer.from(text, "utf8"),
  isUtf8: (bytes) => isUtf8(bytes),
  allocateFrame: slabFrame,
  compression: nodeCompression,
  ...(log.enabled ? { debug: (line: string) => log("%s", line) } : {}),
};
