/**
 * Where the simulator's files are. The only use of __dirname in the
 * simulator, so scripts that bundle it for plain Node (examples/demo/xs.mjs,
 * bench/xs-memory.mjs) can define it once.
 */
import path from "node:path";

export const XS_DIR: string = __dirname;
export const PROJECT_ROOT = path.join(XS_DIR, "../..");
export const SHIMS_DIR = path.join(XS_DIR, "shims");
export const CLIENT_HARNESS_ENTRY = path.join(XS_DIR, "fixtures/client-harness.ts");
