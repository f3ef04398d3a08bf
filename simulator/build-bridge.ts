/**
 * Parent side of what a Moddable build puts into the app: the manifest's
 * `config` (the `mc/config` module, shims/mc-config.ts) and data mapped into
 * flash (`Resource`, shims/resource.ts), and which SDK modules the build has
 * (`modules`, shims/modules.ts). The config is merged from the manifests a
 * test names the way mcconfig merges it (manifest_namespaced.json alone by
 * default); a test may map resources (a packed certificate bundle) at any time.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "./paths";
import type { WireHeader } from "./shims/wire";

type Json = Record<string, unknown>;

interface Manifest { include?: string | string[]; config?: Json }

/** mcconfig's merge of `config` sections: objects key by key, anything else replaced. */
function merge(target: Json, source: Json): Json {
  for (const [name, value] of Object.entries(source)) {
    const had = target[name];
    if (had && value && typeof had === "object" && typeof value === "object") merge(had as Json, value as Json);
    else target[name] = value;
  }
  return target;
}

/** SDK modules the simulator can stand in for, and the SDK manifest that puts each in a build. */
const SDK_MODULE_MANIFESTS: Record<string, string> = {
  inflate: "$(MODDABLE)/modules/data/zlib/manifest_inflate.json",
};

export interface BuildOptions {
  /** Our manifests the app includes, in order (default: manifest_namespaced.json alone). */
  manifests?: string[];
  /** The app's own `config`, merged last. */
  config?: Json;
}

export class BuildBridge {
  /** What `mc/config` exports; read once, when the device code first imports it. */
  config: Json;
  /** SDK modules in this build (what `Modules.has` answers), from the manifests' includes. */
  readonly modules = new Set<string>();
  /** Flash resources by name. */
  readonly resources = new Map<string, Uint8Array>();

  constructor(options: BuildOptions = {}) {
    this.config = {};
    for (const name of options.manifests ?? ["manifest_namespaced.json"]) {
      const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, name), "utf8")) as Manifest;
      merge(this.config, structuredClone(manifest.config ?? {}));
      const includes = ([] as string[]).concat(manifest.include ?? []);
      for (const [module, sdkManifest] of Object.entries(SDK_MODULE_MANIFESTS)) if (includes.includes(sdkManifest)) this.modules.add(module);
    }
    merge(this.config, structuredClone(options.config ?? {}));
  }

  answer(header: WireHeader): { header: WireHeader; body?: Uint8Array } {
    switch (header.op) {
      case "build.config":
        return { header: { value: this.config } };
      case "build.modules.has":
        return { header: { value: this.modules.has(String(header.name)) } };
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
