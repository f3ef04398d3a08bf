/**
 * Where the simulator's files are. The only use of __dirname in the
 * simulator, so scripts that bundle it for plain Node (simulator/load-ts.mjs)
 * can define it once.
 */
import path from "node:path";

export const SIMULATOR_DIR: string = __dirname;
export const PROJECT_ROOT = path.join(SIMULATOR_DIR, "..");
export const SHIMS_DIR = path.join(SIMULATOR_DIR, "shims");
export const APPS_DIR = path.join(SIMULATOR_DIR, "apps");
