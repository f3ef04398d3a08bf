/**
 * The tsconfig the Moddable SDK's mcconfig generates for an app (tools/mcmanifest.js, TSConfigFile), rebuilt
 * here without the SDK so CI can type-check a device app the way a user's build does:
 *  - every manifest the app includes is read, its `modules` expanded as mcconfig expands them (a `*` in the
 *    source matches file names; `.d.ts`, `.ts` and `.js` sources are told apart);
 *  - `paths` get one entry per module: declaration files first, then TypeScript modules (which replace a
 *    declaration of the same name), then JavaScript modules (only where nothing else was mapped);
 *  - compilerOptions are mcconfig's own (module preserve, resolveJsonModule, lib/target es2025: esnext here,
 *    TypeScript 5.9 has no es2025) with each manifest's `typescript.tsconfig.compilerOptions` merged in, `types`
 *    resolved against the manifest that names them, later manifests' entries first;
 *  - each .ts module is compiled on its own (`files: [module]`), so a program holds one module and what it imports.
 * The SDK itself is not here: an include under $(MODDABLE) is skipped, except examples/manifest_base.json, whose
 * share is what matters for types: the typings (@moddable/typings from npm stands in for $(MODDABLE)/typings)
 * mapped by name as examples/manifest_typings.json maps them, and `types` xs + global.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

export interface McconfigProject {
  /** tsconfig-base.json's compilerOptions (JSON form, as mcconfig writes them). */
  compilerOptions: Record<string, unknown>;
  /** The .ts modules of the build (the app's and every included manifest's), each compiled on its own. */
  tsModules: string[];
}

interface Found { target: string; source: string }

const MODDABLE = "$(MODDABLE)";

/** Typings folders and the specifier prefix their files get (manifest_typings.json's mapping, by rule). */
function typingsSpecifier(folder: string): string {
  const [first, ...rest] = folder.split("/");
  const head = first === "ble" ? "" : first === "embedded_io" ? "embedded:io" : first === "embedded_network" ? "embedded:network"
    : first === "embedded_provider" ? "embedded:provider" : first;
  return [head, ...rest].filter((p) => p !== "").join("/");
}

function walkTypings(root: string, folder: string, out: Found[]): void {
  for (const name of readdirSync(join(root, folder))) {
    const path = join(root, folder, name);
    if (statSync(path).isDirectory()) { walkTypings(root, folder ? `${folder}/${name}` : name, out); continue; }
    if (!name.endsWith(".d.ts")) continue;
    const prefix = typingsSpecifier(folder);
    out.push({ target: (prefix ? prefix + "/" : "") + name.slice(0, -5), source: path });
  }
}

/** A `types` entry in the SDK ($(MODDABLE)/xs/includes/xs, $(MODDABLE)/typings/…): its @moddable/typings file. */
function sdkTypes(entry: string, typings: string): string | undefined {
  if (entry === `${MODDABLE}/xs/includes/xs`) return join(typings, "xs");
  if (entry.startsWith(`${MODDABLE}/typings/`)) return join(typings, entry.slice(`${MODDABLE}/typings/`.length));
  return undefined;
}

function substitute(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\(([A-Z_]+)\)/g, (whole, name: string) => (name in variables ? variables[name] : whole));
}

/** Expands one `modules` entry: (target, source) → files, as mcmanifest.js's Rule.iterate does. */
function expand(target: string, source: string, dts: Found[], ts: Found[], js: Found[]): void {
  const directory = dirname(source);
  const pattern = basename(source);
  const star = pattern.indexOf("*");
  if (!existsSync(directory)) throw new Error(`directory not found: ${source}`);
  for (const file of readdirSync(directory)) {
    if (file.startsWith(".")) continue;
    const path = join(directory, file);
    if (statSync(path).isDirectory()) continue;
    const extension = file.endsWith(".d.ts") ? ".d.ts" : file.slice(file.lastIndexOf("."));
    const name = file.slice(0, file.length - extension.length);
    let matched: string;
    if (star >= 0) {
      const prefix = pattern.slice(0, star);
      if (!name.startsWith(prefix)) continue;
      matched = name.slice(prefix.length);
    } else if (name === pattern || file === pattern) {
      matched = "";
    } else continue;
    const fullTarget = target === "*" ? matched || name : target.endsWith("*") ? target.slice(0, -1) + matched : target;
    if (extension === ".d.ts") dts.push({ target: fullTarget, source: path });
    else if (extension === ".ts") ts.push({ target: fullTarget, source: path });
    else if (extension === ".js" || extension === ".mjs") js.push({ target: fullTarget, source: path });
  }
}

export function mcconfigProject(appManifest: string, variables: Record<string, string>, typings: string): McconfigProject {
  const dts: Found[] = [];
  const ts: Found[] = [];
  const js: Found[] = [];
  let types: string[] = [];
  const seen = new Set<string>();

  const read = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const manifest = JSON.parse(readFileSync(file, "utf8")) as {
      include?: string | string[];
      modules?: Record<string, string | string[]>;
      typescript?: { tsconfig?: { compilerOptions?: { types?: string[] } } };
    };
    const here = dirname(file);
    const vars = { ...variables };
    for (const include of ([] as string[]).concat(manifest.include ?? [])) {
      if (include.startsWith(MODDABLE)) {
        if (include === `${MODDABLE}/examples/manifest_base.json`) {
          walkTypings(typings, "", dts);
          types = [join(typings, "xs"), join(typings, "global")].concat(types);
        }
        continue;
      }
      read(resolve(here, substitute(include, vars)));
    }
    for (const [target, sources] of Object.entries(manifest.modules ?? {})) {
      for (const source of ([] as string[]).concat(sources)) {
        if (source.startsWith(MODDABLE)) continue;
        expand(target, resolve(here, substitute(source, vars)), dts, ts, js);
      }
    }
    const ownTypes = manifest.typescript?.tsconfig?.compilerOptions?.types;
    if (ownTypes) types = ownTypes.map((t) => sdkTypes(t, typings) ?? resolve(here, substitute(t, vars))).concat(types);
  };
  read(resolve(appManifest));

  const paths: Record<string, string[]> = {};
  for (const f of dts) paths[f.target] = [f.source.slice(0, -5)];
  for (const f of ts) paths[f.target] = [f.source.slice(0, -3)];
  for (const f of js) if (!(f.target in paths)) paths[f.target] = [f.source.slice(0, f.source.lastIndexOf("."))];

  return {
    compilerOptions: {
      forceConsistentCasingInFileNames: true,
      module: "preserve",
      resolveJsonModule: true,
      paths,
      lib: ["esnext"],
      sourceMap: true,
      target: "esnext",
      types,
    },
    tsModules: ts.map((f) => f.source),
  };
}
