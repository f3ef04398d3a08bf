/**
 * Bundles device entry modules into one IIFE script the XS worker can
 * evaluate. The Moddable host modules the device code imports are mapped to
 * the simulator's shims; nothing from Node may end up in the bundle
 * (platform "neutral", and a Node built-in import fails the build).
 */
import { build } from "esbuild";
import path from "node:path";
import { PROJECT_ROOT, SHIMS_DIR as SHIMS } from "./paths";

/**
 * Our own module names, as manifest.json and manifest_namespaced.json map them: an app's `import ws from
 * "websocket"` bundles the same files a Moddable build would.
 */
function ourModule(specifier: string): string | undefined {
  if (specifier === "websocket") return path.join(PROJECT_ROOT, "specifiers/websocket.ts");
  if (specifier.startsWith("websocket/")) return path.join(PROJECT_ROOT, "specifiers", specifier + ".ts");
  if (specifier.startsWith("websocket-client/")) return path.join(PROJECT_ROOT, "modules", specifier.slice(17) + ".ts");
  return undefined;
}

/** Moddable module specifiers and the shim that stands in for each. */
export const MODDABLE_SHIMS: Record<string, string> = {
  "embedded:io/socket/tcp": path.join(SHIMS, "tcp.ts"),
  "embedded:io/socket/listener": path.join(SHIMS, "listener.ts"),
  timer: path.join(SHIMS, "timer.ts"),
  time: path.join(SHIMS, "time.ts"),
  net: path.join(SHIMS, "net.ts"),
  "wsx-tls": path.join(SHIMS, "tls.ts"),
  "mc/config": path.join(SHIMS, "mc-config.ts"),
  Resource: path.join(SHIMS, "resource.ts"),
  modules: path.join(SHIMS, "modules.ts"),
};

export interface BundleResult {
  code: string;
  bytes: number;
}

const cache = new Map<string, Promise<BundleResult>>();

/** Bundle `entry` (a device-side TypeScript file) after the simulator prelude. Cached per entry. */
export function bundleForXs(entry: string): Promise<BundleResult> {
  const absolute = path.resolve(entry);
  let pending = cache.get(absolute);
  if (!pending) {
    pending = bundle(absolute);
    cache.set(absolute, pending);
  }
  return pending;
}

async function bundle(entry: string): Promise<BundleResult> {
  const prelude = path.join(SHIMS, "prelude.ts");
  const result = await build({
    stdin: {
      contents: `import ${JSON.stringify(prelude)};\nimport ${JSON.stringify(entry)};\n`,
      resolveDir: path.dirname(entry),
      sourcefile: "xs-entry.ts",
      loader: "ts",
    },
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    logLevel: "silent",
    plugins: [
      {
        name: "moddable-shims",
        setup(pluginBuild) {
          const filter = new RegExp(`^(${Object.keys(MODDABLE_SHIMS).map((name) => name.replace(/[/:]/g, "\\$&")).join("|")})$`);
          pluginBuild.onResolve({ filter }, (args) => ({ path: MODDABLE_SHIMS[args.path] }));
          pluginBuild.onResolve({ filter: /^websocket(-client)?(\/|$)/ }, (args) => {
            const file = ourModule(args.path);
            return file ? { path: file } : undefined;
          });
          pluginBuild.onResolve({ filter: /^node:|^(fs|net|tls|crypto|buffer|process|child_process|os|path)$/ }, (args) => ({
            errors: [{ text: `device code must not import the Node module "${args.path}" (from ${args.importer})` }],
          }));
        },
      },
    ],
  });
  const code = result.outputFiles[0].text;
  return { code, bytes: Buffer.byteLength(code) };
}
