/**
 * The command line as users meet it: conventional help and version, `certs` alone, one-line errors for a
 * missing folder or file, progress on a large folder (in-process through runCli), and bin/cli.mjs run from a
 * clone that was never built (it bundles certs/cli.ts itself) or that cannot build (a one-line error).
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PROGRESS_FROM, runCli } from "../../certs/cli";

const ROOT = resolve(__dirname, "../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
let work = "";

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "cli-check-"));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function cli(...argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), version: VERSION });
  return { code, out, err };
}

test.each([["--help"], ["-h"], ["help"]])("%s prints the usage on stdout and exits 0", (flag) => {
  const r = cli(flag);
  expect(r).toMatchObject({ code: 0, err: [] });
  expect(r.out[0]).toBe("usage: moddable-websocket-client <command>");
  expect(r.out.join("\n")).toMatch(/certs pack <dir> -o <bundle>[\s\S]*certs list[\s\S]*certs verify[\s\S]*--version/);
});

test("--version prints the version alone", () => {
  expect(cli("--version")).toEqual({ code: 0, out: [VERSION], err: [] });
});

test("no command, or an unknown one, is a usage error (exit 2) on stderr", () => {
  const none = cli();
  expect(none.code).toBe(2);
  expect(none.out).toEqual([]);
  expect(none.err[0]).toBe("usage: moddable-websocket-client <command>");
  expect(cli("frob")).toEqual({ code: 2, out: [], err: ['unknown command "frob"', "run `moddable-websocket-client --help` for the commands"] });
});

test("`certs` alone (or certs --help) prints the certs usage", () => {
  for (const argv of [["certs"], ["certs", "--help"]]) {
    const r = cli(...argv);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      "usage:",
      "  moddable-websocket-client certs pack <dir> -o <bundle> [--passphrase <domain>=<password>]...",
      "  moddable-websocket-client certs list <bundle>",
      "  moddable-websocket-client certs verify <bundle> [--passphrase <domain>=<password>]...",
    ]);
  }
});

test("a missing folder or file is one line, exit 1, no stack and no raw ENOENT", () => {
  const missing = join(work, "no-such-folder");
  expect(cli("certs", "pack", missing, "-o", join(work, "x.bin"))).toEqual({ code: 1, out: [], err: [`certs pack: ${missing}: no such folder`] });
  expect(cli("certs", "list", missing)).toEqual({ code: 1, out: [], err: [`certs list: ${missing}: no such file`] });
  expect(cli("certs", "verify", work)).toEqual({ code: 1, out: [], err: [`certs verify: ${work}: not a file`] });
  const file = join(work, "plain-file");
  copyFileSync(join(ROOT, "package.json"), file);
  expect(cli("certs", "pack", file, "-o", join(work, "x.bin"))).toEqual({ code: 1, out: [], err: [`certs pack: ${file}: not a folder`] });
  // Writing the bundle into a folder that does not exist: still one line.
  const r = cli("certs", "pack", makeCaFolder(2), "-o", join(work, "nowhere", "x.bin"));
  expect(r).toMatchObject({ code: 1, err: [`${join(work, "nowhere", "x.bin")}: no such file or folder`] });
});

let ca = "";
function makeCaFolder(count: number): string {
  if (!ca) {
    ca = join(work, "ca");
    mkdirSync(ca);
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
      "-out", "ca.pem", "-days", "30", "-subj", "/CN=cli test CA", "-addext", "basicConstraints=critical,CA:TRUE"], { cwd: ca, stdio: "ignore" });
  }
  const dir = join(work, `cas-${count}`);
  mkdirSync(dir);
  for (let i = 0; i < count; i++) copyFileSync(join(ca, "ca.pem"), join(dir, `d${i}.test_ca.pem`));
  return dir;
}

test(`packing ${PROGRESS_FROM} files or more shows progress on stderr; fewer show none`, () => {
  const big = makeCaFolder(PROGRESS_FROM + 4);
  const r = cli("certs", "pack", big, "-o", join(work, "big.bin"));
  expect(r.code).toBe(0);
  expect(r.out[0]).toMatch(new RegExp(`^wrote .*big\\.bin: ${PROGRESS_FROM + 4} entries`));
  const total = PROGRESS_FROM + 4;
  expect(r.err).toEqual([`checking ${total} files in ${big} ...`, `  ${total / 4}/${total} checked`, `  ${total / 2}/${total} checked`,
    `  ${(3 * total) / 4}/${total} checked`, `  ${total}/${total} checked`]);
  const small = cli("certs", "pack", makeCaFolder(3), "-o", join(work, "small.bin"));
  expect(small).toMatchObject({ code: 0, err: [] });
});

function node(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => execFile(process.execPath, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) =>
    done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr })));
}

/** A copy of what a clone holds for the CLI (no dist/), with or without the installed dev dependencies. */
function clone(name: string, withNodeModules: boolean): string {
  const dir = join(work, name);
  for (const part of ["bin", "certs", "modules", "package.json"]) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  if (withNodeModules) symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

test("bin/cli.mjs in a clone never built: bundles the CLI first, then runs it", async () => {
  const dir = clone("fresh-clone", true);
  expect(existsSync(join(dir, "dist"))).toBe(false);
  const r = await node(["bin/cli.mjs", "certs", "list", join(dir, "missing.bin")], dir);
  expect(r).toEqual({ code: 1, stdout: "", stderr: `certs list: ${join(dir, "missing.bin")}: no such file\n` });
  expect(existsSync(join(dir, "dist/certs-cli.js"))).toBe(true);
  expect((await node(["bin/cli.mjs", "--version"], dir)).stdout).toBe(VERSION + "\n");
}, 60_000);

test("bin/cli.mjs in a clone without its dev dependencies: one line saying to run npm ci", async () => {
  const dir = clone("bare-clone", false);
  const r = await node(["bin/cli.mjs", "--help"], dir);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`moddable-websocket-client: ${dir}/dist/certs-cli.js is not built and esbuild is not installed: run \`npm ci\` in ${dir}/ first\n`);
}, 60_000);
