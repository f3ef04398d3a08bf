/**
 * The Moddable integration checks (scripts/check-moddable.mjs): the repository
 * passes them, and each check fails, naming the problem, on a copy of the
 * repository broken in the one way that check is for.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "check-moddable.mjs");

interface CheckResult { name: string; ok: boolean; problems: string[] }
interface Report { ok: boolean; results: CheckResult[]; exitCode: number }

function runChecks(root: string, extra: string[] = []): Report {
  let stdout: string;
  let exitCode = 0;
  try {
    stdout = execFileSync(process.execPath, [SCRIPT, "--root", root, "--json", ...extra], { encoding: "utf8" });
  } catch (error) {
    const failed = error as { stdout: string; status: number };
    stdout = failed.stdout;
    exitCode = failed.status;
  }
  return { ...(JSON.parse(stdout) as { ok: boolean; results: CheckResult[] }), exitCode };
}

function problems(report: Report): string[] {
  return report.results.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`));
}

/** A copy of what the checks read, with node_modules linked, to break one thing in. */
function copyOfRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), "check-moddable-"));
  for (const name of ["manifest.json", "manifest_namespaced.json", "manifest_certs.json", "manifest_deflate.json", "tsconfig.json", "tsconfig.moddable.json",
    "modules", "specifiers", "node", "examples"]) {
    cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  }
  for (const part of ["core", "xs"]) cpSync(join(ROOT, "native", part), join(dir, "native", part), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

function edit(path: string, change: (text: string) => string): void {
  const before = readFileSync(path, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`edit of ${path} changed nothing`);
  writeFileSync(path, after);
}

describe("check-moddable on this repository", () => {
  test("every check passes, type-check included", () => {
    const report = runChecks(ROOT);
    expect(problems(report)).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.results.map((r) => r.name)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^manifests load/),
      expect.stringMatching(/^every import resolves the way XS resolves it/),
      expect.stringMatching(/^each API in specifiers\/apis.json/),
      expect.stringMatching(/^type-check against @moddable\/typings/),
    ]));
  });
});

describe("check-moddable fails on a broken copy", () => {
  let dir: string;
  beforeEach(() => { dir = copyOfRepository(); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a module folder left out of the manifest", () => {
    edit(join(dir, "manifest_namespaced.json"), (t) => t.replace(/\s*"websocket-client\/core\/\*": "\.\/modules\/core\/\*",/, ""));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([
      expect.stringContaining('modules/core/errors.ts is not mapped as "websocket-client/core/errors"'),
      expect.stringMatching(/imports "\.\.\/core\/errors" = "websocket-client\/core\/errors", which no manifest maps/),
    ]));
  });

  test("a manifest entry whose files do not exist", () => {
    edit(join(dir, "manifest_namespaced.json"), (t) => t.replace('"websocket-client/api/*": "./modules/api/*",',
      '"websocket-client/api/*": "./modules/api/*",\n\t\t"websocket-client/gone/*": "./modules/gone/*",'));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([expect.stringContaining('"websocket-client/gone/*": folder modules/gone not found')]));
  });

  test("a relative import XS cannot resolve from a top-level specifier", () => {
    edit(join(dir, "specifiers", "websocket.ts"), (t) => t.split('"websocket-client/device/connect"').join('"./modules/device/connect"'));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([
      expect.stringMatching(/specifiers\/websocket\.ts \(module "websocket"\) imports "\.\/modules\/device\/connect" = "modules\/device\/connect", which no manifest maps/),
    ]));
  });

  test("a call to a function named native, which xsc compiles as its native(\"symbol\") form", () => {
    edit(join(dir, "modules", "core", "utf8.ts"), (t) => t.split("!wholeCheck(whole)").join("!native(whole)"));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([
      expect.stringMatching(/modules\/core\/utf8\.ts:\d+: a call to "native\(\.\.\.\)": xsc compiles it as native\("symbol"\)/),
    ]));
  });

  test("module-level state the XS linker freezes into flash: a Map, and a typed array something writes", () => {
    edit(join(dir, "modules", "endpoint", "framing.ts"), (t) => t.replace("const KEPT = 8;", "const KEPT = 8;\nconst seen = new Map<Platform, number>();"));
    edit(join(dir, "modules", "core", "connection.ts"), (t) => t.replace("\nexport interface FramingOptions", "\nconst maskScratch = new Uint8Array(4);\nexport interface FramingOptions"));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([
      expect.stringMatching(/modules\/endpoint\/framing\.ts:\d+: module-level Map "seen": preloaded, its set\(\) throws on a device/),
      expect.stringMatching(/modules\/core\/connection\.ts:\d+: module-level Uint8Array "maskScratch": preloaded into flash, every write to it throws on a device/),
    ]));
    expect(problems(report).join("\n")).not.toMatch(/TAIL|ZERO4/);
  });

  test("the deflate manifest without the SDK inflater it looks up", () => {
    edit(join(dir, "manifest_deflate.json"), (t) => t.replace(/"\$\(MODDABLE\)\/modules\/data\/zlib\/manifest_inflate\.json"/, ""));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([expect.stringContaining("manifest_deflate.json does not include $(MODDABLE)/modules/data/zlib/manifest_inflate.json")]));
  });

  test("an SDK module imported without including the manifest that provides it", () => {
    edit(join(dir, "manifest_namespaced.json"), (t) => t.replace(/\s*"\$\(MODDABLE\)\/modules\/network\/net\/manifest\.json",/, ""));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([
      expect.stringMatching(/modules\/device\/net-resolver\.ts imports "net", but our manifests do not include \$\(MODDABLE\)\/modules\/network\/net\/manifest\.json/),
    ]));
  });

  test("a preload name that is not mapped", () => {
    edit(join(dir, "manifest.json"), (t) => t.replace('"preload": [\n\t\t"websocket"', '"preload": [\n\t\t"websocket",\n\t\t"websocket/stream"'));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([expect.stringContaining('manifest.json: preload "websocket/stream" is not a module our manifests map')]));
  });

  test("a bundle resource name the device does not open", () => {
    edit(join(dir, "manifest_namespaced.json"), (t) => t.replace('"certificates": "websocket-certs.wscb"', '"certificates": "certs.bin"'));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([expect.stringContaining('manifest_certs.json maps ["websocket-certs"], but the device opens "certs.bin"')]));
  });

  test("no error for unsupported platforms", () => {
    edit(join(dir, "manifest_namespaced.json"), (t) => t.replace(/"\.\.\.": \{[^}]*\}/, '"...": {}'));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([expect.stringContaining('manifest_namespaced.json: platforms "...": needs an "error"')]));
  });

  test("an API name the device module does not export", () => {
    edit(join(dir, "specifiers", "apis.json"), (t) => t.replace('"exports": [\n        "WebSocket"', '"exports": [\n        "WebSocket",\n        "WebSocketStream"'));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([
      expect.stringContaining('"websocket/browser" (specifiers/websocket/browser.ts) does not export WebSocketStream'),
      expect.stringContaining("the Node entry node/index.ts does not export WebSocketStream"),
    ]));
  });

  test("tsconfig.moddable.json paths drifting from the manifest", () => {
    edit(join(dir, "tsconfig.moddable.json"), (t) => t.replace('"websocket/*": ["./specifiers/websocket/*"]', '"websocket/*": ["./modules/device/*"]'));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([
      expect.stringMatching(/"websocket\/browser" resolves to modules\/device\/browser\.ts under tsconfig\.moddable\.json, but the manifest maps specifiers\/websocket\/browser\.ts/),
    ]));
  });

  test("device code using something Moddable's typings do not have", () => {
    edit(join(dir, "examples", "seed000", "main.ts"), (t) => t.replace('trace("send\\n");', 'setInterval(onconnect, 500);'));
    const report = runChecks(dir);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([expect.stringMatching(/examples\/seed000\/main\.ts.*Cannot find name 'setInterval'/)]));
  });

  test("an example without the commands to build it", () => {
    edit(join(dir, "examples", "seed000", "README.md"), (t) => t.replace(/mcconfig -d -m -p lin/g, "mcconfig -d -m"));
    const report = runChecks(dir, ["--skip-typecheck"]);
    expect(report.exitCode).toBe(1);
    expect(problems(report)).toEqual(expect.arrayContaining([expect.stringContaining('examples/seed000/README.md: no "mcconfig ... -p lin" command')]));
  });
});
