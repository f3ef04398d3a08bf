/**
 * `moddable-websocket-client certs pack <dir> -o <file>`, `certs list <file>`,
 * `certs verify <file>`. runCli() does the work and returns the exit code,
 * so tests can call it in-process; bin/cli.mjs is only the shell around it.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { CertificateBundle } from "../modules/certs/bundle";
import { WebSocketError } from "../modules/core/errors";
import { PackError, WILDCARD_SPELLING, packDirectory } from "./pack";
import { validateEntries, type CheckedEntry } from "./validate";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = [
  "usage:",
  "  moddable-websocket-client certs pack <dir> -o <bundle> [--passphrase <domain>=<password>]...",
  "  moddable-websocket-client certs list <bundle>",
  "  moddable-websocket-client certs verify <bundle> [--passphrase <domain>=<password>]...",
];

export function runCli(argv: readonly string[], io: CliIo): number {
  if (argv[0] !== "certs" || argv.length < 2) return usage(io, argv[0] === undefined ? undefined : `unknown command "${argv.join(" ")}"`);
  const parsed = parseArgs(argv.slice(2));
  if (typeof parsed === "string") return usage(io, parsed);
  try {
    switch (argv[1]) {
      case "pack": return pack(parsed, io);
      case "list": return list(parsed, io);
      case "verify": return verify(parsed, io);
      default: return usage(io, `unknown certs command "${argv[1]}"`);
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

function usage(io: CliIo, problem: string | undefined): number {
  if (problem) io.err(problem);
  for (const line of USAGE) io.err(line);
  return 2;
}

function pack(args: Args, io: CliIo): number {
  if (args.positional.length !== 1 || !args.output) return usage(io, "pack needs one directory and -o <bundle>");
  const result = packDirectory(args.positional[0], { passphrases: args.passphrases });
  for (const w of result.warnings) io.err("warning: " + w);
  writeFileSync(args.output, result.bundle);
  io.out(`wrote ${args.output}: ${result.entries.length} entries, ${result.bundle.length} bytes`);
  for (const e of [...result.entries].sort((a, b) => (a.name < b.name ? -1 : 1))) io.out(`  ${e.name}  <- ${e.source}`);
  return 0;
}

function openFile(args: Args, io: CliIo, command: string): CertificateBundle | number {
  if (args.positional.length !== 1) return usage(io, `${command} needs one bundle file`);
  return CertificateBundle.open(new Uint8Array(readFileSync(args.positional[0])));
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
