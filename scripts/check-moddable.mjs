// Checks that a Moddable app including our manifest would build and link, without the SDK:
//  - every module the manifests name exists, the platforms are esp32 and lin with a clear error elsewhere;
//  - every file under modules/ is mapped at the path that mirrors its folder (websocket-client/<folder>/<file>);
//  - the device module graph resolves the way XS resolves it (relative specifiers against the importing
//    module's own path, bare ones against the manifests' maps or an SDK module whose manifest we include);
//  - every preloaded name is a mapped module;
//  - no device module calls a function named `native` (xsc takes any such call for its native("symbol") form);
//  - no device module keeps state the XS linker would freeze into flash (a module-level Map/Set/WeakMap, or a
//    module-level typed array that is not empty and not marked read-only);
//  - nothing the XS linker would warn about when the modules are preloaded ("no const", "not frozen"):
//    scripts/check-preload.mjs, statically and by loading the preloaded modules and walking their exports;
//  - no loop in a device module indexes a string (charCodeAt(i), text[i]...), quadratic on XS (check-xs-strings.mjs);
//  - tsconfig.moddable.json maps each manifest specifier to the same file (so its type-check is the build's);
//  - every API in specifiers/apis.json is exposed by the manifest and by the Node entry, with the same names;
//  - every example has a manifest that includes ours, a main.ts, and a README with the esp32 and lin commands;
//  - modules/, specifiers/ and examples/ type-check against @moddable/typings (tsconfig.moddable.json).
// Usage: node scripts/check-moddable.mjs [--root <dir>] [--skip-typecheck] [--json]
// Exit code 0 when every check passes; each failure names the file and what is wrong.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dynamicPreloadProblems, staticPreloadProblems } from "./check-preload.mjs";
import { indexedStringWalks } from "./check-xs-strings.mjs";

const require = createRequire(import.meta.url);
const ts = require("typescript");

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const root = resolve(option("--root") ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
const skipTypecheck = args.includes("--skip-typecheck");
const asJson = args.includes("--json");

/** Our namespace: modules/<folder>/<file> is the module websocket-client/<folder>/<file>. */
const NAMESPACE = "websocket-client";
const REQUIRED_PLATFORMS = ["esp32", "lin"];
/**
 * The SDK modules our device code may import, and what puts each in a build: a manifest our
 * manifests must include, or the platform itself (every esp32 and simulator build has these).
 * A module Moddable's typings declare is not enough: an app must also include its manifest,
 * or XS fails at the import when the app starts.
 */
const SDK_MODULES = {
  "timer": "platform",
  "time": "platform",
  "mc/config": "platform",
  "embedded:io/socket/tcp": "$(MODDABLE)/modules/io/manifest.json",
  "embedded:io/socket/listener": "$(MODDABLE)/modules/io/manifest.json",
  "net": "$(MODDABLE)/modules/network/net/manifest.json",
  "Resource": "$(MODDABLE)/modules/files/resource/manifest.json",
  "modules": "$(MODDABLE)/modules/base/modules/manifest.json",
};
/** Extensions mcconfig treats as modules or native sources (tools/mcmanifest.js, ModulesRule). */
const SOURCE_EXTENSIONS = [".ts", ".js", ".mjs", ".json", ".c", ".cc", ".cpp", ".h"];

/** Where loadManifests records the platform a manifest applies to. */
const PLATFORM = Symbol("platform");

const results = [];
function check(name, run) {
  const problems = [];
  try {
    run((message) => problems.push(message));
  } catch (error) {
    problems.push(`crashed: ${error && error.stack ? error.stack : error}`);
  }
  results.push({ name, ok: problems.length === 0, problems });
}

async function checkAsync(name, run) {
  const problems = [];
  try {
    await run((message) => problems.push(message));
  } catch (error) {
    problems.push(`crashed: ${error && error.stack ? error.stack : error}`);
  }
  results.push({ name, ok: problems.length === 0, problems });
}

const rel = (path) => relative(root, path) || ".";
const isFile = (path) => existsSync(path) && statSync(path).isFile();
const isDirectory = (path) => existsSync(path) && statSync(path).isDirectory();
function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

// ---------------------------------------------------------------- manifests

/**
 * Our manifests: manifest.json and what it includes by relative path, depth first (as mcconfig reads
 * them), each with the platform it applies to: "*" for every platform, or the platform whose
 * section included it (`"platforms": { "esp32": { "include": ... } }`).
 */
function loadManifests(entry, fail) {
  const seen = new Map();
  const visit = (path, platform) => {
    if (seen.has(path)) return;
    if (!isFile(path)) { fail(`${rel(path)}: manifest not found`); return; }
    let manifest;
    try { manifest = readJson(path); } catch (error) { fail(`${rel(path)}: not valid JSON (${error.message})`); return; }
    seen.set(path, Object.assign(manifest, { [PLATFORM]: platform }));
    const follow = (includes, into) => {
      for (const include of [].concat(includes ?? [])) {
        if (typeof include === "string" && include.startsWith(".")) visit(resolve(dirname(path), include), into);
      }
    };
    follow(manifest.include, platform);
    for (const [name, section] of Object.entries(manifest.platforms ?? {})) {
      if (section && (platform === "*" || platform === name)) follow(section.include, name);
    }
  };
  visit(entry, "*");
  return seen;
}

/** Module maps of a manifest, as [platform, map] pairs: its own, and each platform section that applies. */
function moduleMaps(manifest) {
  const applies = manifest[PLATFORM];
  const maps = [[applies, manifest.modules ?? {}]];
  for (const [platform, section] of Object.entries(manifest.platforms ?? {})) {
    if (section && section.modules && (applies === "*" || applies === platform)) maps.push([platform, section.modules]);
  }
  return maps;
}

/**
 * The files a module map entry names, with the specifier each gets, following mcconfig's rules:
 * `target/*` + `dir/*` maps every file of dir (not its subfolders) to target/<name>; a plain target maps
 * the one file whose name (without extension) matches. Sources under $(...) belong to the SDK: skipped.
 */
function expandEntry(manifestDir, target, source, fail, where) {
  const out = [];
  const sources = [].concat(source).map((s) => (typeof s === "string" ? s : s.source));
  for (const src of sources) {
    if (src.startsWith("$(")) continue;
    const path = resolve(manifestDir, src);
    const dir = dirname(path);
    const base = path.slice(dir.length + 1);
    if (!isDirectory(dir)) { fail(`${where}: "${target}": folder ${rel(dir)} not found`); continue; }
    const star = base.indexOf("*");
    const prefix = star >= 0 ? base.slice(0, star) : base;
    const matches = [];
    for (const name of readdirSync(dir)) {
      if (name.startsWith(".")) continue;
      const file = join(dir, name);
      if (!isFile(file)) continue;
      const extension = name.endsWith(".d.ts") ? ".d.ts" : name.slice(name.lastIndexOf("."));
      if (extension === ".d.ts" || !SOURCE_EXTENSIONS.includes(extension)) continue;
      const stem = name.slice(0, name.length - extension.length);
      if (star >= 0 ? stem.startsWith(prefix) : stem === prefix) matches.push({ file, stem: star >= 0 ? stem.slice(prefix.length) : stem, extension });
    }
    if (matches.length === 0) { fail(`${where}: "${target}": nothing matches ${rel(path)}`); continue; }
    for (const match of matches) {
      let specifier;
      if (target.endsWith("*")) specifier = target.slice(0, -1) + match.stem;
      else specifier = target;
      out.push({ specifier, file: match.file, extension: match.extension });
    }
  }
  return out;
}

/** Specifier -> file for JavaScript/TypeScript modules, per platform ("*" = every platform). */
function buildModuleTable(manifests, fail) {
  const table = new Map(); // platform -> Map(specifier -> file)
  const natives = new Map(); // platform -> files (.c/.h)
  for (const [path, manifest] of manifests) {
    for (const [platform, map] of moduleMaps(manifest)) {
      for (const [target, source] of Object.entries(map)) {
        for (const { specifier, file, extension } of expandEntry(dirname(path), target, source, fail, `${rel(path)} modules${platform === "*" ? "" : ` (${platform})`}`)) {
          if ([".c", ".cc", ".cpp", ".h"].includes(extension)) {
            if (!natives.has(platform)) natives.set(platform, []);
            natives.get(platform).push(file);
            continue;
          }
          if (!table.has(platform)) table.set(platform, new Map());
          const forPlatform = table.get(platform);
          const earlier = forPlatform.get(specifier);
          if (earlier && earlier !== file) fail(`${rel(path)}: "${specifier}" is mapped twice (${rel(earlier)} and ${rel(file)}); mcconfig would keep one silently`);
          forPlatform.set(specifier, file);
        }
      }
    }
  }
  return { table, natives };
}

function modulesFor(table, platform) {
  return new Map([...(table.get("*") ?? new Map()), ...(table.get(platform) ?? new Map())]);
}

// ---------------------------------------------------------------- XS resolution

/** What XS does with an import specifier (xs/platforms/mc/xsHosts.c, fxFindModule): undefined when it cannot resolve. */
function xsResolve(referrer, specifier) {
  let dots = 0;
  let rest = specifier;
  if (specifier.startsWith("./")) { dots = 1; rest = specifier.slice(1); }
  else if (specifier.startsWith("../")) {
    dots = 2; rest = specifier.slice(2);
    while (rest.startsWith("/../")) { dots++; rest = rest.slice(3); }
  }
  else return specifier.replace(/\.(m?js)$/, "");
  let base = "/" + referrer;
  for (let i = 0; i < dots; i++) {
    const slash = base.lastIndexOf("/");
    if (slash < 0) return undefined;
    base = base.slice(0, slash);
  }
  return (base + rest).slice(1).replace(/\.(m?js)$/, "");
}

/** Module names Moddable's typings declare (`declare module "timer"`): what the SDK provides. */
function moddableModuleNames() {
  const names = new Set();
  const typings = join(root, "node_modules", "@moddable", "typings");
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (isDirectory(path)) walk(path);
      else if (name.endsWith(".d.ts")) {
        for (const match of readFileSync(path, "utf8").matchAll(/declare\s+module\s+["']([^"']+)["']/g)) names.add(match[1]);
      }
    }
  };
  if (isDirectory(typings)) walk(typings);
  return names;
}

function importsOf(file) {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

// ---------------------------------------------------------------- TypeScript helpers

function parseTsconfig(path) {
  const parsed = ts.getParsedCommandLineOfConfigFile(path, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  return parsed;
}

function exportNames(program, file) {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) return undefined;
  const symbol = checker.getSymbolAtLocation(source);
  if (!symbol) return new Set();
  return new Set(checker.getExportsOfModule(symbol).map((s) => s.escapedName.toString()));
}

function formatDiagnostics(diagnostics) {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" });
}

// ---------------------------------------------------------------- checks

const manifestPath = join(root, "manifest.json");
let manifests = new Map();
let table = new Map();
let natives = new Map();

check("manifests load and every module they name exists", (fail) => {
  manifests = loadManifests(manifestPath, fail);
  ({ table, natives } = buildModuleTable(manifests, fail));
});

check("platforms: esp32 and lin supported, an error everywhere else", (fail) => {
  const platforms = {};
  for (const manifest of manifests.values()) if (manifest[PLATFORM] === "*") Object.assign(platforms, manifest.platforms ?? {});
  for (const name of REQUIRED_PLATFORMS) if (!(name in platforms)) fail(`no "${name}" section in the manifests' platforms`);
  for (const [path, manifest] of manifests) {
    if (manifest[PLATFORM] !== "*" || !manifest.platforms) continue;
    const other = manifest.platforms["..."];
    if (!other || typeof other.error !== "string" || other.error.length === 0) fail(`${rel(path)}: platforms "...": needs an "error" naming the supported platforms`);
  }
  for (const platform of REQUIRED_PLATFORMS) {
    const c = [...(natives.get("*") ?? []), ...(natives.get(platform) ?? [])].filter((f) => f.endsWith(".c"));
    if (c.length === 0) fail(`${platform}: no native (mbedTLS transport) C sources mapped`);
  }
});

check("every device module is in the manifest, at the path that mirrors modules/", (fail) => {
  const all = table.get("*") ?? new Map();
  const modulesDir = join(root, "modules");
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (isDirectory(path)) walk(path);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
        const expected = NAMESPACE + "/" + relative(modulesDir, path).slice(0, -3).split("\\").join("/");
        const mapped = [...table.values()].some((m) => m.get(expected) === path);
        if (!mapped) fail(`${rel(path)} is not mapped as "${expected}" (relative imports from and to it would not resolve)`);
      }
    }
  };
  if (isDirectory(modulesDir)) walk(modulesDir);
  for (const [specifier, file] of all) {
    if (specifier.startsWith(NAMESPACE + "/")) {
      const expected = join(modulesDir, specifier.slice(NAMESPACE.length + 1));
      if (file.replace(/\.[^./]+$/, "") !== expected) fail(`"${specifier}" maps to ${rel(file)}; it must be modules/${specifier.slice(NAMESPACE.length + 1)}`);
    }
  }
});

check("every import resolves the way XS resolves it, on each platform", (fail) => {
  const provided = moddableModuleNames();
  const included = new Set();
  for (const manifest of manifests.values()) for (const include of [].concat(manifest.include ?? [])) included.add(include);
  for (const platform of REQUIRED_PLATFORMS) {
    const modules = modulesFor(table, platform);
    for (const [specifier, file] of modules) {
      if (!file.endsWith(".ts") && !file.endsWith(".js")) continue;
      for (const imported of importsOf(file)) {
        const resolved = xsResolve(specifier, imported);
        if (resolved === undefined) { fail(`${platform}: ${rel(file)} (module "${specifier}") imports "${imported}": XS cannot resolve it (above the top level)`); continue; }
        if (modules.has(resolved)) continue;
        if (imported.startsWith(".")) { fail(`${platform}: ${rel(file)} (module "${specifier}") imports "${imported}" = "${resolved}", which no manifest maps`); continue; }
        if (!provided.has(resolved)) { fail(`${platform}: ${rel(file)} imports "${imported}": neither our manifests nor Moddable's typings know it`); continue; }
        const provider = SDK_MODULES[resolved];
        if (!provider) fail(`${platform}: ${rel(file)} imports "${imported}": say in SDK_MODULES (scripts/check-moddable.mjs) which manifest provides it, and include that manifest`);
        else if (provider !== "platform" && !included.has(provider)) fail(`${platform}: ${rel(file)} imports "${imported}", but our manifests do not include ${provider}`);
      }
    }
  }
});

check("no device module calls a function named native (xsc reserves native(\"symbol\"))", (fail) => {
  for (const map of table.values()) {
    for (const file of new Set(map.values())) {
      if (!file.endsWith(".ts") && !file.endsWith(".js")) continue;
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node) => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "native") {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          fail(`${rel(file)}:${line + 1}: a call to "native(...)": xsc compiles it as native("symbol") and fails the build; rename the function`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
});

/**
 * Preloaded modules run at build time and their objects go to flash: there a Map, Set, WeakMap or WeakSet
 * throws on set/add/delete, and a typed array throws on every write (SDK documentation/xs/XS linker
 * warnings.md), though all of it works on Node and in the simulator. Our entries are preloaded, and so is
 * everything they import.
 */
const FROZEN_COLLECTIONS = ["Map", "Set", "WeakMap", "WeakSet"];
const TYPED_ARRAYS = ["ArrayBuffer", "DataView", "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array", "Float64Array"];
check("no module-level state the XS linker would freeze into flash (preloaded Map/Set/WeakMap, written typed arrays)", (fail) => {
  for (const map of table.values()) {
    for (const file of new Set(map.values())) {
      if (!file.endsWith(".ts") && !file.endsWith(".js")) continue;
      const text = readFileSync(file, "utf8");
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      for (const statement of source.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const declaration of statement.declarationList.declarations) {
          const init = declaration.initializer;
          if (!init || !ts.isNewExpression(init) || !ts.isIdentifier(init.expression)) continue;
          const kind = init.expression.text;
          const where = `${rel(file)}:${source.getLineAndCharacterOfPosition(declaration.getStart()).line + 1}`;
          const name = declaration.name.getText(source);
          if (FROZEN_COLLECTIONS.includes(kind)) {
            fail(`${where}: module-level ${kind} "${name}": preloaded, its ${kind === "Set" || kind === "WeakSet" ? "add" : "set"}() throws on a device; keep the state in an instance`);
          } else if (TYPED_ARRAYS.includes(kind)) {
            const empty = init.arguments?.length === 1 && init.arguments[0].getText(source) === "0";
            const lineEnd = text.indexOf("\n", statement.getEnd());
            const marked = /preload: read-only/.test(text.slice(statement.getFullStart(), lineEnd < 0 ? text.length : lineEnd));
            if (!empty && !marked) {
              fail(`${where}: module-level ${kind} "${name}": preloaded into flash, every write to it throws on a device; ` +
                `allocate it per instance, or mark it "// preload: read-only" if nothing ever writes to it`);
            }
          }
        }
      }
    }
  }
});

/**
 * Our specifiers an app build preloads on `platform`: the manifests' preload names and everything they
 * import, as XS resolves it (the XS linker checks the exports of every module it loads).
 */
function preloadedModules(platform) {
  const modules = modulesFor(table, platform);
  const reached = new Set();
  const queue = [];
  for (const manifest of manifests.values()) {
    if (manifest[PLATFORM] !== "*" && manifest[PLATFORM] !== platform) continue;
    for (const name of [].concat(manifest.preload ?? [])) if (modules.has(name)) queue.push(name);
  }
  while (queue.length) {
    const specifier = queue.shift();
    if (reached.has(specifier)) continue;
    reached.add(specifier);
    const file = modules.get(specifier);
    if (!file.endsWith(".ts") && !file.endsWith(".js")) continue;
    for (const imported of importsOf(file)) {
      const resolved = xsResolve(specifier, imported);
      if (resolved !== undefined && modules.has(resolved)) queue.push(resolved);
    }
  }
  return { modules, reached };
}

/**
 * Files whose preload warnings another branch is removing while this check lands ("path": "why"). Their
 * problems are printed but do not fail the check; once a file is clean, the check says so, and the entry
 * goes. Empty: the TLS files issue 17 rewrote are clean.
 */
const PRELOAD_PENDING = {};
const pendingNotes = [];

/** A problem in a file PRELOAD_PENDING lists goes to the notes; the others fail. Returns the files seen. */
function failOrNote(problems, fail) {
  const seen = new Set();
  for (const problem of problems) {
    const file = Object.keys(PRELOAD_PENDING).find((f) => problem.startsWith(f + ":") || problem.includes(`"websocket-client/${f.slice(8, -3)}"`));
    if (file) { seen.add(file); pendingNotes.push(`(pending: ${PRELOAD_PENDING[file]}) ${problem}`); }
    else fail(problem);
  }
  return seen;
}

/** One type-checked program over the device modules, shared by the checks that need TypeScript's checker. */
let deviceProgram;
function deviceProgramFor(files) {
  if (!deviceProgram) {
    const parsed = parseTsconfig(join(root, "tsconfig.moddable.json"));
    deviceProgram = ts.createProgram([...files], { ...parsed.options, noEmit: true });
  }
  return deviceProgram;
}

await checkAsync("preloaded modules: nothing the XS linker would warn about (\"no const\", \"not frozen\")", async (fail) => {
  const { modules, reached } = preloadedModules("lin");
  const files = new Set([...reached].map((s) => modules.get(s)).filter((f) => f.endsWith(".ts")));
  const program = deviceProgramFor(files);
  let config = {};
  for (const manifest of manifests.values()) if (manifest.config) config = { ...config, ...manifest.config };
  const found = staticPreloadProblems(program, files, root);
  const problems = [...found.problems, ...(await dynamicPreloadProblems(modules, reached, config, root, found.flagged))];
  const pendingSeen = failOrNote(problems, fail);
  for (const file of Object.keys(PRELOAD_PENDING)) {
    if (!pendingSeen.has(file) && files.has(join(root, file))) pendingNotes.push(`${file} has no preload warnings now: remove it from PRELOAD_PENDING in scripts/check-moddable.mjs once its string walks pass too`);
  }
});

check("no loop in a device module indexes a string (quadratic on XS, where strings are UTF-8)", (fail) => {
  const { modules, reached } = preloadedModules("lin");
  const files = new Set([...modules.values()].filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")));
  void reached;
  failOrNote(indexedStringWalks(deviceProgramFor(files), files, root), fail);
});

check("every preloaded module is mapped", (fail) => {
  for (const [path, manifest] of manifests) {
    const all = modulesFor(table, manifest[PLATFORM]);
    for (const name of [].concat(manifest.preload ?? [])) {
      if (!all.has(name)) fail(`${rel(path)}: preload "${name}" is not a module our manifests map (mcconfig ignores it silently)`);
    }
  }
});

check("the certificate bundle's resource (manifest_certs.json) is the name the device reads", (fail) => {
  const certsPath = join(root, "manifest_certs.json");
  if (!isFile(certsPath)) { fail("manifest_certs.json not found"); return; }
  const targets = Object.keys(readJson(certsPath).resources ?? {});
  let wanted;
  for (const manifest of manifests.values()) wanted = manifest.config?.websocket?.certificates ?? wanted;
  if (typeof wanted !== "string") { fail("no config.websocket.certificates in our manifests"); return; }
  // mcconfig names a resource by its target plus the file's extension; the packed bundle is a .wscb.
  if (!targets.some((t) => t + ".wscb" === wanted)) fail(`manifest_certs.json maps ${JSON.stringify(targets)}, but the device opens "${wanted}"`);
});

check("manifest_deflate.json brings the SDK inflater the device entries look up, and turns the offer on", (fail) => {
  const path = join(root, "manifest_deflate.json");
  if (!isFile(path)) { fail("manifest_deflate.json not found"); return; }
  const manifest = readJson(path);
  const inflate = "$(MODDABLE)/modules/data/zlib/manifest_inflate.json";
  if (![].concat(manifest.include ?? []).includes(inflate)) fail(`manifest_deflate.json does not include ${inflate} (modules/device/compression.ts looks up "inflate")`);
  const offer = manifest.config?.websocket?.perMessageDeflate;
  if (offer !== true && (typeof offer !== "object" || offer === null)) fail("manifest_deflate.json: config.websocket.perMessageDeflate must be true or an object of options");
});

check("tsconfig.moddable.json maps each manifest specifier to the same file", (fail) => {
  const tsconfigPath = join(root, "tsconfig.moddable.json");
  const parsed = parseTsconfig(tsconfigPath);
  if (!parsed) { fail("tsconfig.moddable.json cannot be read"); return; }
  const host = { ...ts.sys, fileExists: ts.sys.fileExists, readFile: ts.sys.readFile };
  const fromDir = join(root, "examples");
  const containing = join(fromDir, "__probe__.ts");
  for (const [platform, map] of table) {
    for (const [specifier, file] of map) {
      if (!file.endsWith(".ts")) continue;
      const resolved = ts.resolveModuleName(specifier, containing, parsed.options, host).resolvedModule;
      if (!resolved) fail(`"${specifier}" (${platform}) does not resolve under tsconfig.moddable.json paths`);
      else if (resolve(resolved.resolvedFileName) !== file) fail(`"${specifier}" resolves to ${rel(resolved.resolvedFileName)} under tsconfig.moddable.json, but the manifest maps ${rel(file)}`);
    }
  }
});

check("each API in specifiers/apis.json: same names from the manifest's module and from the Node entry", (fail) => {
  const apisPath = join(root, "specifiers", "apis.json");
  if (!isFile(apisPath)) { fail("specifiers/apis.json not found"); return; }
  const { apis, internal = [] } = readJson(apisPath);
  if (!Array.isArray(apis) || apis.length === 0) { fail("specifiers/apis.json: `apis` must be a non-empty list"); return; }
  const all = table.get("*") ?? new Map();
  const deviceFiles = [];
  for (const api of apis) {
    if (!Array.isArray(api.specifiers) || !Array.isArray(api.exports)) { fail(`API "${api.name}": needs "specifiers" and "exports" lists`); continue; }
    for (const specifier of api.specifiers) {
      const file = all.get(specifier);
      if (!file) fail(`API "${api.name}": the manifests do not map "${specifier}"`);
      else deviceFiles.push({ api, specifier, file });
    }
  }
  const device = parseTsconfig(join(root, "tsconfig.moddable.json"));
  const deviceProgram = ts.createProgram(deviceFiles.map((d) => d.file), device.options);
  const nodeEntry = join(root, "node", "index.ts");
  const host = parseTsconfig(join(root, "tsconfig.json"));
  const nodeProgram = ts.createProgram([nodeEntry], host.options);
  const nodeExports = exportNames(nodeProgram, nodeEntry) ?? new Set();
  for (const api of apis) {
    for (const name of api.exports ?? []) {
      if (!nodeExports.has(name)) fail(`API "${api.name}": the Node entry node/index.ts does not export ${name}`);
    }
  }
  for (const { api, specifier, file } of deviceFiles) {
    const names = exportNames(deviceProgram, file) ?? new Set();
    const wanted = api.default ? [...api.exports, "default"] : api.exports;
    for (const name of wanted) {
      if (!names.has(name)) fail(`API "${api.name}": "${specifier}" (${rel(file)}) does not export ${name}`);
    }
  }
  const declared = new Set([...apis.flatMap((a) => a.specifiers ?? []), ...internal]);
  const everywhere = new Set([...table.values()].flatMap((m) => [...m.keys()]));
  for (const specifier of everywhere) {
    if (!specifier.startsWith(NAMESPACE + "/") && !declared.has(specifier)) fail(`the manifests map "${specifier}" but specifiers/apis.json declares it neither as an API nor as internal`);
  }
});

check("examples: a manifest including ours, main.ts, and a README with the esp32 and lin commands", (fail) => {
  const examples = join(root, "examples");
  const devices = readdirSync(examples).filter((name) => isFile(join(examples, name, "main.ts")) || isFile(join(examples, name, "manifest.json")));
  if (devices.length === 0) fail("no device examples under examples/");
  for (const name of devices) {
    const dir = join(examples, name);
    const manifestFile = join(dir, "manifest.json");
    if (!isFile(manifestFile)) { fail(`examples/${name}: no manifest.json`); continue; }
    const manifest = readJson(manifestFile);
    const includes = [].concat(manifest.include ?? []).filter((i) => typeof i === "string" && i.startsWith("."));
    const ours = includes.map((i) => resolve(dir, i)).filter((p) => manifests.has(p) || p === join(root, "manifest_namespaced.json"));
    if (ours.length === 0) fail(`examples/${name}/manifest.json does not include ../../manifest.json (or manifest_namespaced.json)`);
    if (!isFile(join(dir, "main.ts"))) fail(`examples/${name}: no main.ts`);
    const readme = join(dir, "README.md");
    if (!isFile(readme)) { fail(`examples/${name}: no README.md`); continue; }
    const text = readFileSync(readme, "utf8");
    if (!/mcconfig[^\n]*-p esp32[^\n]*ssid=/.test(text)) fail(`examples/${name}/README.md: no "mcconfig ... -p esp32 ssid=..." command`);
    if (!/mcconfig[^\n]*-p lin/.test(text)) fail(`examples/${name}/README.md: no "mcconfig ... -p lin" command`);
  }
});

if (!skipTypecheck) {
  check("type-check against @moddable/typings (tsconfig.moddable.json, and each example with its own modules)", (fail) => {
    const parsed = parseTsconfig(join(root, "tsconfig.moddable.json"));
    // As mcconfig does for an app: the modules an example's manifest maps itself ("*": "./page")
    // become `paths` entries next to ours.
    const paths = { ...(parsed.options.paths ?? {}) };
    const exampleFiles = [];
    const examples = join(root, "examples");
    for (const name of readdirSync(examples)) {
      const dir = join(examples, name);
      const manifestFile = join(dir, "manifest.json");
      if (!isFile(manifestFile)) continue;
      const own = expandEntry(dir, "*", [].concat(readJson(manifestFile).modules?.["*"] ?? []), fail, `examples/${name}/manifest.json`);
      for (const { specifier, file, extension } of own) {
        if (extension !== ".ts") continue;
        exampleFiles.push(file);
        if (specifier === "main") continue; // the app's entry: nothing imports it
        const earlier = paths[specifier]?.[0];
        if (earlier && resolve(root, earlier) !== file.slice(0, -3)) fail(`examples/${name}: module "${specifier}" is also ${earlier}`);
        paths[specifier] = [file.slice(0, -3)];
      }
    }
    const program = ts.createProgram([...parsed.fileNames, ...exampleFiles], { ...parsed.options, paths });
    const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
    if (diagnostics.length) fail(formatDiagnostics(diagnostics));
    const checked = new Set(program.getSourceFiles().map((s) => resolve(s.fileName)));
    for (const map of table.values()) {
      for (const file of map.values()) if (file.endsWith(".ts") && !checked.has(file)) fail(`${rel(file)} is in the manifest but not type-checked by tsconfig.moddable.json`);
    }
    for (const name of readdirSync(examples)) {
      const main = join(examples, name, "main.ts");
      if (isFile(main) && !checked.has(main)) fail(`examples/${name}/main.ts is not in its manifest's modules, so it is not type-checked`);
    }
  });
}

const failed = results.filter((r) => !r.ok);
if (asJson) {
  process.stdout.write(JSON.stringify({ ok: failed.length === 0, results, notes: pendingNotes }, null, 2) + "\n");
} else {
  for (const r of results) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}`);
    for (const p of r.problems) console.log("     " + p.split("\n").join("\n     "));
  }
  for (const note of pendingNotes) console.log("note " + note);
}
process.exit(failed.length === 0 ? 0 : 1);
