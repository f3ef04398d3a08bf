/**
 * The package's command line: `moddable-websocket-client certs pack <dir> -o <file>`, `certs list <file>`,
 * `certs verify <file>`, `--help`, `--version`. runCli() does the work and returns the exit code,
 * so tests can call it in-process; bin/cli.mjs is only the shell around it.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { CertificateBundle } from "../modules/certs/bundle";
import { WebSocketError } from "../modules/core/errors";
import { PackError, WILDCARD_SPELLING, packDirectory } from "./pack";
import { validateEntries, type CheckedEntry } from "./validate";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The package's version, for `--version` (bin/cli.mjs reads it from package.json). */
  version?: string;
}

const NAME = "moddable-websocket-client";
/** Folders with at least this many files show progress while they are checked. */
export const PROGRESS_FROM = 20;

const CERTS_USAGE = [
  `  ${NAME} certs pack <dir> -o <bundle> [--passphrase <domain>=<password>]...`,
  `  ${NAME} certs list <bundle>`,
  `  ${NAME} certs verify <bundle> [--passphrase <domain>=<password>]...`,
];

const HELP = [
  `usage: ${NAME} <command>`,
  "",
  "The certificate bundle of seed 000 (one file, entries looked up by domain: docs/certs.md):",
  ...CERTS_USAGE,
  "",
  "  pack     check every file of <dir> (<domain>_cert, _key, _chain, _ca; .pem/.der/.crt/.cer/.key) and write one bundle",
  "  list     print a bundle's entries (subject and expiry of certificates)",
  "  verify   check a bundle again: CRCs, shapes, keys against their certificates, chains",
  "",
  `  ${NAME} --help | -h | help     this text`,
  `  ${NAME} --version              the package's version`,
];

export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, sub] = argv;
  if (command === "--help" || command === "-h" || command === "help") return print(io.out, HELP, 0);
  if (command === "--version" || command === "-v") {
    io.out(io.version ?? "unknown");
    return 0;
  }
  if (command === undefined) return print(io.err, HELP, 2);
  if (command !== "certs") return problem(io, `unknown command "${command}"`, [`run \`${NAME} --help\` for the commands`]);
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") return print(io.out, ["usage:", ...CERTS_USAGE], 0);
  const parsed = parseArgs(argv.slice(2));
  if (typeof parsed === "string") return usage(io, parsed);
  try {
    switch (sub) {
      case "pack": return pack(parsed, io);
      case "list": return list(parsed, io);
      case "verify": return verify(parsed, io);
      default: return usage(io, `unknown certs command "${sub}"`);
    }
  } catch (e) {
    if (e instanceof PackError) {
      io.err(e.message);
      return 1;
    }
    if (e instanceof WebSocketError) {
      io.err(`${e.message} [${e.code}]`);
      return 1;
    }
    const fsProblem = describeFsError(e);
    if (fsProblem) {
      io.err(fsProblem);
      return 1;
    }
    io.err((e as Error).message ?? String(e));
    return 1;
  }
}

interface Args {
  positional: string[];
  output?: string;
  passphrases: Record<string, string>;
}

function parseArgs(args: readonly string[]): Args | string {
  const out: Args = { positional: [], passphrases: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-o" || a === "--output") {
      if (i + 1 >= args.length) return `${a} needs a file name`;
      out.output = args[++i];
    } else if (a === "--passphrase") {
      const v = args[++i];
      const eq = v === undefined ? -1 : v.indexOf("=");
      if (eq <= 0) return "--passphrase needs <domain>=<password>";
      // The domain as in the bundle; the file-name spelling of a wildcard is accepted too.
      let domain = v.slice(0, eq).toLowerCase();
      if (domain.startsWith(WILDCARD_SPELLING)) domain = "*." + domain.slice(WILDCARD_SPELLING.length);
      out.passphrases[domain] = v.slice(eq + 1);
    } else if (a.startsWith("-")) {
      return `unknown option "${a}"`;
    } else {
      out.positional.push(a);
    }
  }
  return out;
}

function print(to: (line: string) => void, lines: readonly string[], code: number): number {
  for (const line of lines) to(line);
  return code;
}

function problem(io: CliIo, message: string, lines: readonly string[]): number {
  io.err(message);
  return print(io.err, lines, 2);
}

function usage(io: CliIo, message: string): number {
  return problem(io, message, ["usage:", ...CERTS_USAGE]);
}

/** One line for a file-system error (a missing folder or file, no permission), instead of a raw ENOENT. */
function describeFsError(e: unknown): string | undefined {
  const error = e as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof error?.code !== "string" || typeof error.path !== "string") return undefined;
  switch (error.code) {
    case "ENOENT": return `${error.path}: no such file or folder`;
    case "ENOTDIR": return `${error.path}: not a folder`;
    case "EISDIR": return `${error.path}: is a folder, not a file`;
    case "EACCES": case "EPERM": return `${error.path}: permission denied`;
    default: return `${error.path}: ${error.code} (${String(error.syscall)})`;
  }
}

/** Progress on stderr for large folders: a line at each quarter of the files checked. */
function progress(io: CliIo, dir: string): (checked: number, total: number) => void {
  let shown = -1;
  return (checked, total) => {
    if (total < PROGRESS_FROM) return;
    const quarter = Math.floor((checked * 4) / total);
    if (quarter === shown || (checked !== 0 && quarter === 0)) return;
    shown = quarter;
    io.err(checked === 0 ? `checking ${total} files in ${dir} ...` : `  ${checked}/${total} checked`);
  };
}

function pack(args: Args, io: CliIo): number {
  if (args.positional.length !== 1 || !args.output) return usage(io, "pack needs one directory and -o <bundle>");
  const dir = args.positional[0];
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    io.err(`certs pack: ${dir}: ${statSync(dir, { throwIfNoEntry: false }) ? "not a folder" : "no such folder"}`);
    return 1;
  }
  const result = packDirectory(dir, { passphrases: args.passphrases, onProgress: progress(io, dir) });
  for (const w of result.warnings) io.err("warning: " + w);
  writeFileSync(args.output, result.bundle);
  io.out(`wrote ${args.output}: ${result.entries.length} entries, ${result.bundle.length} bytes`);
  for (const e of [...result.entries].sort((a, b) => (a.name < b.name ? -1 : 1))) io.out(`  ${e.name}  <- ${e.source}`);
  return 0;
}

function openFile(args: Args, io: CliIo, command: string): CertificateBundle | number {
  if (args.positional.length !== 1) return usage(io, `${command} needs one bundle file`);
  const file = args.positional[0];
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
    io.err(`certs ${command}: ${file}: ${statSync(file, { throwIfNoEntry: false }) ? "not a file" : "no such file"}`);
    return 1;
  }
  return CertificateBundle.open(new Uint8Array(readFileSync(file)));
}

function list(args: Args, io: CliIo): number {
  const bundle = openFile(args, io, "list");
  if (typeof bundle === "number") return bundle;
  io.out(`${bundle.count} entries`);
  for (const e of bundle.entries()) {
    io.out(`  ${e.name.padEnd(32)} ${e.format.toUpperCase()} ${String(e.length).padStart(6)} bytes at ${e.offset}${describe(bundle, e.name)}`);
  }
  return 0;
}

/** Subject and expiry of a certificate entry, when it parses. */
function describe(bundle: CertificateBundle, name: string): string {
  if (name.endsWith("_key")) return "";
  try {
    const p = bundle.payload(name);
    if (!p) return "";
    const c = new X509Certificate(Buffer.from(p.bytes));
    return `  ${c.subject.replace(/\n/g, ", ")} (until ${c.validTo})`;
  } catch (e) {
    return `  (${(e as Error).message})`;
  }
}

function verify(args: Args, io: CliIo): number {
  const bundle = openFile(args, io, "verify");
  if (typeof bundle === "number") return bundle;
  bundle.verifyAll();
  const file = args.positional[0];
  const entries: CheckedEntry[] = bundle.entries().map((e) => {
    const p = bundle.payload(e.name)!;
    return { source: `${file}:${e.name}`, name: e.name, format: p.format, bytes: p.bytes };
  });
  const result = validateEntries(entries, { passphrases: args.passphrases, uncheckedKeys: "warning" });
  for (const w of result.warnings) io.err("warning: " + w);
  if (result.problems.length > 0) {
    io.err(`${file}: ${result.problems.length} problem(s):`);
    for (const p of result.problems) io.err("  " + p);
    return 1;
  }
  io.out(`${file}: OK, ${bundle.count} entries`);
  return 0;
}
