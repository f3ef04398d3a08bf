/**
 * Parent side of what a Moddable build puts into the app: the manifest's
 * `config` (the `mc/config` module, shims/mc-config.ts) and data mapped into
 * flash (`Resource`, shims/resource.ts). The config starts as the client's
 * own manifest_namespaced.json says; a test may change it before the device
 * code loads, and may map resources (a packed certificate bundle) at any time.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "./paths";
import type { WireHeader } from "./shims/wire";

function manifestConfig(): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "manifest_namespaced.json"), "utf8")) as { config: Record<string, unknown> };
  return manifest.config;
}

export class BuildBridge {
  /** What `mc/config` exports; read once, when the device code first imports it. */
  config: Record<string, unknown> = manifestConfig();
  /** Flash resources by name. */
  readonly resources = new Map<string, Uint8Array>();

  answer(header: WireHeader): { header: WireHeader; body?: Uint8Array } {
    switch (header.op) {
      case "build.config":
        return { header: { value: this.config } };
      case "build.resource.exists":
        return { header: { value: this.resources.has(String(header.name)) } };
      case "build.resource": {
        const bytes = this.resources.get(String(header.name));
        if (!bytes) throw new Error(`Resource: ${String(header.name)} not found`);
        return { header: {}, body: bytes };
      }
      default:
        throw new Error(`simulator bridge: unknown request ${String(header.op)}`);
    }
  }
}
