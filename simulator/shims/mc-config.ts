/**
 * The simulator's `mc/config`: the object mcconfig generates from the
 * manifests' `config` sections, here asked of the parent (build-bridge.ts)
 * once, when the device code first imports it.
 */
import { request } from "./host";

const config = Object.freeze(request({ op: "build.config" }).header.value as Record<string, unknown>);

export default config;
