/**
 * The package as users receive it: `npm pack` once, the tarball installed into a fresh project (offline: it has
 * no dependencies), then checked the way a consumer meets it. File list, no install scripts, links that resolve,
 * both module formats at run time against a real echo server, type resolution in every TypeScript mode
 * (@arethetypeswrong/cli and strict consumer files), a device app's type-check as mcconfig runs it, the CLI.
 * Needs a build (`npm test` builds first).
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { startWsServer } from "../support/servers";
import { mcconfigProject } from "./mcconfig-tsconfig";

const ROOT = resolve(__dirname, "../..");
const FIXTURES = join(__dirname, "fixtures");
const NAME = "moddable-websocket-client";
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

interface Run { code: number; stdout: string; stderr: string }

function run(command: string, args: string[], cwd: string, timeout = 60_000): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { cwd, timeout, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NODE_DEBUG: "" } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

let work = "";
let tarball = "";
let packed: string[] = [];
let install: Run;
let consumer = "";
let installed = "";

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/index.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test builds first)");
  work = mkdtempSync(join(tmpdir(), "package-check-"));
  // --ignore-scripts: the build already ran (prepack would run it again).
  const pack = await run(NPM, ["pack", "--json", "--ignore-scripts", "--pack-destination", work], ROOT);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  packed = info.files.map((f) => f.path).sort();
  consumer = join(work, "consumer");
  mkdirSync(consumer);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  install = await run(NPM, ["install", "--offline", "--no-audit", "--no-fund", "--foreground-scripts", tarball], consumer);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
  installed = join(consumer, "node_modules", NAME);
  // The consumer's own dev dependency, as a TypeScript user on Node has it.
  mkdirSync(join(consumer, "node_modules/@types"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules/@types/node"), join(consumer, "node_modules/@types/node"), "dir");
  cpSync(join(FIXTURES, "consumer"), consumer, { recursive: true });
  cpSync(join(consumer, "esm.mts"), join(consumer, "bundler.ts"));
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function patternToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*\*\//g, "\u0000").replace(/\*/g, "[^/]*").replace(/\u0000/g, "(?:.*/)?");
  return new RegExp(`^${source}$`);
}

describe("the tarball", () => {
  test("holds exactly the files host-tests/package/expected-files.txt lists", () => {
    const expected = readFileSync(join(__dirname, "expected-files.txt"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    const patterns = expected.filter((l) => l.includes("*")).map(patternToRegExp);
    const exact = expected.filter((l) => !l.includes("*"));
    const stray = packed.filter((p) => !exact.includes(p) && !patterns.some((r) => r.test(p)));
    const missing = exact.filter((p) => !packed.includes(p));
    const unmatched = expected.filter((l) => l.includes("*")).filter((l) => !packed.some((p) => patternToRegExp(l).test(p)));
    if (stray.length || missing.length || unmatched.length) {
      throw new Error("the tarball differs from host-tests/package/expected-files.txt (a file added to or dropped from the package is a change there too):\n" +
        `  in the tarball, not listed: ${stray.join(", ") || "-"}\n  listed, not in the tarball: ${missing.join(", ") || "-"}\n  patterns matching nothing: ${unmatched.join(", ") || "-"}`);
    }
    // Every ESM declaration has its CommonJS twin.
    const dts = packed.filter((p) => p.startsWith("dist/types/") && p.endsWith(".d.ts"));
    expect(dts.length).toBeGreaterThan(10);
    expect(dts.filter((p) => !packed.includes(p.replace(/\.d\.ts$/, ".d.cts")))).toEqual([]);
  });

  test("installs without running or announcing a script, and ships no lifecycle script a consumer would run", () => {
    expect(install.stdout + install.stderr).not.toMatch(/install-scripts|prepare|postinstall|preinstall/);
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    for (const name of ["preinstall", "install", "postinstall", "prepare"]) expect(manifest.scripts?.[name]).toBeUndefined();
    for (const name of ["repository", "keywords", "author", "homepage", "bugs", "license"]) expect(manifest).toHaveProperty(name);
  });

  test("every relative link in its Markdown files names a file in the tarball", () => {
    const broken: string[] = [];
    for (const file of packed.filter((p) => p.endsWith(".md"))) {
      const text = readFileSync(join(installed, file), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split("#")[0];
        if (!target || /^[a-z]+:/i.test(target)) continue;
        const path = join(dirname(file), target).replace(/\\/g, "/");
        if (!packed.includes(path) && !packed.some((p) => p.startsWith(path.replace(/\/$/, "") + "/"))) broken.push(`${file}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("both module formats at run time, from the installed tarball", () => {
  test("ESM: default is seed 000's module object, names for the rest; both APIs echo", async () => {
    const server = await startWsServer();
    try {
      const result = await run(process.execPath, ["esm.mjs", server.url], consumer, 20_000);
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual({
        shape: { defaultConnect: "function", namedConnectIsDefaults: true, constant: true, webSocketIsClass: true, defaultIsNotWebSocket: true },
        seed: "esm seed 000",
        browser: "esm WebSocket",
      });
    } finally {
      await server.close();
    }
  });

  test("CommonJS: require() has the same default and names; the seed's ws.connect runs as written", async () => {
    const server = await startWsServer();
    try {
      const result = await run(process.execPath, ["cjs.cjs", server.url], consumer, 20_000);
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual({
        shape: { defaultConnect: "function", namedConnectIsDefaults: true, constant: true, webSocketIsClass: true, requireIsNotWebSocket: true },
        seed: "cjs seed 000",
      });
    } finally {
      await server.close();
    }
  });

  test("the CLI from node_modules/.bin: --version and --help", async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    const bin = join(consumer, "node_modules/.bin", NAME);
    expect((await run(bin, ["--version"], consumer)).stdout.trim()).toBe(version);
    const help = await run(bin, ["--help"], consumer);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("certs pack");
  });
});

describe("types, from the installed tarball", () => {
  test("@arethetypeswrong/cli finds no problem under node10, node16 (CJS and ESM) and bundler", async () => {
    const attw = join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js");
    const result = await run(process.execPath, [attw, tarball, "--format", "json"], work);
    const report = JSON.parse(result.stdout) as { analysis: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, unknown> }> } };
    expect(report.analysis.problems).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints["."].resolutions).sort()).toEqual(["bundler", "node10", "node16-cjs", "node16-esm"]);
    expect(result.code).toBe(0);
  });

  const MODES: [string, Record<string, unknown>, string[]][] = [
    ["node16", { module: "node16", moduleResolution: "node16" }, ["esm.mts", "cjs.cts"]],
    ["nodenext", { module: "nodenext", moduleResolution: "nodenext" }, ["esm.mts", "cjs.cts"]],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }, ["bundler.ts"]],
    ["node10", { module: "commonjs", moduleResolution: "node10", esModuleInterop: true }, ["node10.ts"]],
  ];
  test.each(MODES)("strict consumer files type-check under %s", (_mode, resolution, files) => {
    const { options, errors } = ts.convertCompilerOptionsFromJson({
      ...resolution, target: "es2022", lib: ["es2022"], strict: true, skipLibCheck: false, noEmit: true, types: ["node"],
    }, consumer);
    expect(errors).toEqual([]);
    const program = ts.createProgram(files.map((f) => join(consumer, f)), options);
    expect(formatted(ts.getPreEmitDiagnostics(program), consumer)).toBe("");
    // The declarations came from the tarball, and the right tree for each format.
    const ours = program.getSourceFiles().map((s) => s.fileName).filter((f) => f.includes(`/node_modules/${NAME}/`));
    expect(ours.some((f) => f.endsWith("/dist/types/node/index.d.ts") || f.endsWith("/dist/types/node/index.d.cts"))).toBe(true);
  });
});

describe("a device app that includes the package's manifest.json, type-checked as mcconfig compiles it", () => {
  const typings = join(ROOT, "node_modules/@moddable/typings");
  const moddableWebsocket = join(typings, "websocket.d.ts");

  function check(project: ReturnType<typeof mcconfigProject>, files: string[], extra: Record<string, unknown> = {}): string {
    const { options, errors } = ts.convertCompilerOptionsFromJson({ ...project.compilerOptions, ...extra, noEmit: true }, consumer);
    expect(errors).toEqual([]);
    return formatted(ts.getPreEmitDiagnostics(ts.createProgram(files, options)), consumer);
  }

  let project: ReturnType<typeof mcconfigProject>;
  let main = "";
  beforeAll(() => {
    const app = join(work, "device-app");
    cpSync(join(FIXTURES, "device-app"), app, { recursive: true });
    project = mcconfigProject(join(app, "manifest.json"), { WEBSOCKET_CLIENT: installed }, typings);
    main = join(app, "main.ts");
    expect(project.tsModules).toContain(main);
    expect(project.compilerOptions.types).toContain(join(installed, "typings/websocket"));
  });

  test("the app's main.ts, with mcconfig's options and with strict on", () => {
    expect(check(project, [main])).toBe("");
    // skipLibCheck: the SDK typings themselves are not strict-clean (TS7010); our modules are .ts, still checked.
    expect(check(project, [main], { strict: true, skipLibCheck: true })).toBe("");
  });

  test("every .ts module of the package, with mcconfig's options (not strict)", () => {
    const ours = project.tsModules.filter((f) => f.startsWith(installed + "/"));
    expect(ours.length).toBeGreaterThan(50);
    expect(check(project, ours)).toBe("");
  });

  test("our `websocket` wins even when the SDK's own websocket declaration is in the program (an editor tsconfig including all typings)", () => {
    expect(check(project, [main, moddableWebsocket])).toBe("");
    expect(check(project, [main, moddableWebsocket], { strict: true, skipLibCheck: true })).toBe("");
    // Without typings/websocket.d.ts, the SDK's ambient module shadows ours: the error users met.
    const without = { ...project.compilerOptions, types: (project.compilerOptions.types as string[]).filter((t) => !t.startsWith(installed)) };
    expect(check({ ...project, compilerOptions: without }, [main, moddableWebsocket])).toMatch(/Module '"websocket"' has no default export|has no exported member/);
  });
});

function formatted(diagnostics: readonly ts.Diagnostic[], cwd: string): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => "\n" });
}
