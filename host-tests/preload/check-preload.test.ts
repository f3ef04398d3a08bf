/**
 * scripts/check-moddable.mjs catches what the XS linker warns about when a
 * device app preloads our modules ("no const", "not frozen"; issue 20 §2) and
 * loops that index a string (quadratic on XS; §1). One copy of the repository
 * is broken in each of those ways at once; each test looks for its own
 * problem in the one report, and the repository itself passes.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "check-moddable.mjs");

interface CheckResult { name: string; ok: boolean; problems: string[] }
interface Report { ok: boolean; results: CheckResult[]; notes: string[] }

function runChecks(root: string): Report {
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [SCRIPT, "--root", root, "--json", "--skip-typecheck"], { encoding: "utf8" });
  } catch (error) {
    stdout = (error as { stdout: string }).stdout;
  }
  return JSON.parse(stdout) as Report;
}

const problemsOf = (report: Report, check: RegExp): string[] => report.results.filter((r) => check.test(r.name)).flatMap((r) => r.problems);
const PRELOAD = /^preloaded modules: nothing the XS linker would warn about/;
const STRINGS = /^no loop in a device module indexes a string/;

function edit(path: string, change: (text: string) => string): void {
  const before = readFileSync(path, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`edit of ${path} changed nothing`);
  writeFileSync(path, after);
}

describe("check-moddable on this repository: a clean preload", () => {
  test("no preload problem, no indexed string walk, nothing pending", () => {
    const report = runChecks(ROOT);
    expect(problemsOf(report, PRELOAD)).toEqual([]);
    expect(problemsOf(report, STRINGS)).toEqual([]);
    expect(report.notes.filter((note) => /pending/.test(note))).toEqual([]);
  }, 60000);
});

describe("check-moddable on a copy broken in every way the XS linker warns about", () => {
  let dir: string;
  let report: Report;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "check-preload-"));
    for (const name of ["manifest.json", "manifest_namespaced.json", "manifest_certs.json", "manifest_deflate.json", "tsconfig.json", "tsconfig.moddable.json",
      "modules", "specifiers", "node", "examples"]) {
      cpSync(join(ROOT, name), join(dir, name), { recursive: true });
    }
    for (const part of ["core", "xs"]) cpSync(join(ROOT, "native", part), join(dir, "native", part), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const m = (file: string) => join(dir, "modules", file);
    // A module-level let a function keeps.
    edit(m("core/close.ts"), (t) => `${t}\nlet closes = 0;\nexport function countClose(): number { return ++closes; }\n`);
    // A module-level array not frozen, and an object nested in a frozen one.
    edit(m("core/handshake.ts"), (t) => t.replace("const RESERVED = Object.freeze([", "const RESERVED = ([").replace('  "sec-websocket-accept",\n]);', '  "sec-websocket-accept",\n]);\nexport const LIMITS = Object.freeze({ head: { max: 8192 } });'));
    // A class static holding an object, and an object put on a prototype.
    edit(m("api/browser.ts"), (t) => t.replace("  static readonly CONNECTING = 0;", "  static readonly NAMES = { 0: \"CONNECTING\" };\n  static readonly CONNECTING = 0;")
      .replace("// As WebIDL constants are", "Object.defineProperty(SocketBase.prototype, \"names\", { value: [\"CONNECTING\"] });\n// As WebIDL constants are"));
    // A factory the device entry runs while modules preload, keeping its parameter, and one keeping an object it made.
    edit(m("api/connect.ts"), (t) => t.replace("withEntryDefaults(entryDefaults, own)", "withEntryDefaults(defaults, own)"));
    edit(m("device/fibjs-upgrade.ts"), (t) => t.replace("const limits = Object.freeze(definedOnly(defaults));", "const limits = definedOnly(defaults);"));
    // A namespace import a function uses.
    edit(m("certs/names.ts"), (t) => `import * as Formats from "./format";
${t}
export function magicLength(): number { return Formats.MAGIC.length; }
`);
    // An object only a walk of the exports finds: the device platform no longer frozen.
    edit(m("platform/moddable.ts"), (t) => t.replace("  return Object.freeze({\n    now,", "  return ({\n    now,"));
    // A loop that indexes a string.
    edit(m("core/url.ts"), (t) => `${t}\nexport function codeSum(text: string): number {\n  let sum = 0;\n  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);\n  return sum;\n}\n`);
    report = runChecks(dir);
  }, 60000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the report fails", () => {
    expect(report.ok).toBe(false);
  });

  test("a module-level let: \"no const\"", () => {
    expect(problemsOf(report, PRELOAD)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^modules\/core\/close\.ts:\d+: module-level let "closes": the XS linker warns "no const"/),
    ]));
  });

  test("a module-level array that is not frozen, and an object inside a frozen one: \"not frozen\"", () => {
    expect(problemsOf(report, PRELOAD)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^modules\/core\/handshake\.ts:\d+: module-level "RESERVED" holds an array literal that is not frozen/),
      expect.stringMatching(/^modules\/core\/handshake\.ts:\d+: module-level "LIMITS" holds an object literal that is not frozen/),
    ]));
  });

  test("a class static and a prototype property holding objects", () => {
    expect(problemsOf(report, PRELOAD)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^modules\/api\/browser\.ts:\d+: static SocketBase\.NAMES holds an object literal that is not frozen/),
      expect.stringMatching(/^modules\/api\/browser\.ts:\d+: SocketBase\.prototype\."names" holds an array literal that is not frozen/),
    ]));
  });

  test("a function made while modules preload that keeps a parameter", () => {
    expect(problemsOf(report, PRELOAD)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^modules\/api\/connect\.ts:\d+: makeConnectModule runs while modules preload and makes a function that keeps defaults \(parameter\): the XS linker warns "no const"/),
    ]));
  });

  test("a function made while modules preload that keeps an object that is not frozen", () => {
    expect(problemsOf(report, PRELOAD)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^modules\/device\/fibjs-upgrade\.ts:\d+: makeFibjsUpgrade runs while modules preload and makes a function that keeps limits, the object definedOnly\(\) returns that is not frozen/),
    ]));
  });

  test("a namespace import (the XS linker links its binding as a variable: \"no const\")", () => {
    expect(problemsOf(report, PRELOAD)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^modules\/certs\/names\.ts:1: namespace import "\* as Formats"/),
    ]));
  });

  test("an object the preloaded exports reach that is not frozen (found by loading them)", () => {
    expect(problemsOf(report, PRELOAD)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^"websocket-client\/device\/configured": runtime\.platform: not frozen \(found by loading the preloaded modules/),
    ]));
  });

  test("a loop that indexes a string", () => {
    expect(problemsOf(report, STRINGS)).toEqual([
      expect.stringMatching(/^modules\/core\/url\.ts:\d+: text\.charCodeAt\(i\) in a loop: XS keeps strings as UTF-8/),
    ]);
  });
});
