/**
 * The host packer: a directory of files named as seed 000 says
 * (`<domain>_cert`, `_key`, `_chain`, `_ca`, optional .pem/.der/.crt/.cer/.key
 * extension) -> one bundle. Refuses, naming the file and the problem, any
 * file it cannot place or that does not check out.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isValidDomain, parseEntryName } from "../modules/certs/names";
import { sniffFormat } from "../modules/certs/payload-check";
import { encodeBundle } from "./bundle-writer";
import { validateEntries, type CheckedEntry } from "./validate";

export const EXTENSIONS = [".pem", ".der", ".crt", ".cer", ".key"];
/** File-name spelling of a leading `*.` (a `*` is not allowed in file names everywhere). */
export const WILDCARD_SPELLING = "_wildcard_.";

export class PackError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super("certs pack refused:\n  " + problems.join("\n  "));
    this.name = "PackError";
    this.problems = problems;
  }
}

export interface PackOptions {
  /** Passwords of encrypted keys, by domain (used only to check them; never stored). */
  passphrases?: Readonly<Record<string, string>>;
  now?: Date;
  /** Told how many files were checked so far (see ValidationOptions.onProgress). */
  onProgress?: (checked: number, total: number) => void;
}

export interface PackResult {
  bundle: Uint8Array;
  entries: CheckedEntry[];
  warnings: string[];
}

export interface InputFile {
  path: string;
  fileName: string;
  bytes: Uint8Array;
}

/** Entry name for a file name, or a description of why it has none. */
export function entryNameForFile(fileName: string): string | { problem: string } {
  let base = fileName;
  const lower = fileName.toLowerCase();
  const ext = EXTENSIONS.find((e) => lower.endsWith(e));
  if (ext) base = fileName.slice(0, -ext.length);
  base = base.toLowerCase();
  if (base.startsWith(WILDCARD_SPELLING)) base = "*." + base.slice(WILDCARD_SPELLING.length);
  const parsed = parseEntryName(base);
  if (parsed) return base;
  const cut = base.lastIndexOf("_");
  const kind = cut > 0 ? base.slice(cut + 1) : "";
  if (cut > 0 && ["cert", "key", "chain", "ca"].includes(kind) && !isValidDomain(base.slice(0, cut))) {
    return { problem: `"${base.slice(0, cut)}" is not a usable domain (letters, digits, hyphens and dots; ${WILDCARD_SPELLING} or *. for a wildcard; or "default")` };
  }
  return { problem: `unknown entry name: expected <domain>_cert, <domain>_key, <domain>_chain or <domain>_ca, optionally ending in ${EXTENSIONS.join(" ")}` };
}

export function packFiles(files: readonly InputFile[], options: PackOptions = {}): PackResult {
  const problems: string[] = [];
  const entries: CheckedEntry[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const name = entryNameForFile(f.fileName);
    if (typeof name !== "string") {
      problems.push(`${f.path}: ${name.problem}`);
      continue;
    }
    const earlier = seen.get(name);
    if (earlier) {
      problems.push(`${f.path}: entry "${name}" is also given by ${earlier}`);
      continue;
    }
    seen.set(name, f.path);
    const format = sniffFormat(f.bytes);
    const lower = f.fileName.toLowerCase();
    if (lower.endsWith(".pem") && format !== "pem") problems.push(`${f.path}: named .pem but does not hold PEM text`);
    if (lower.endsWith(".der") && format !== "der") problems.push(`${f.path}: named .der but holds PEM text`);
    entries.push({ source: f.path, name, format, bytes: f.bytes });
  }
  if (files.length === 0) problems.push("no files to pack");
  const checked = validateEntries(entries, { passphrases: options.passphrases, now: options.now, onProgress: options.onProgress });
  problems.push(...checked.problems);
  if (problems.length > 0) throw new PackError(problems);
  return { bundle: encodeBundle(entries), entries, warnings: checked.warnings };
}

/** Pack every file of `dir` (dot files are skipped; sub-directories are refused). */
export function packDirectory(dir: string, options: PackOptions = {}): PackResult {
  const files: InputFile[] = [];
  const problems: string[] = [];
  for (const fileName of readdirSync(dir).sort()) {
    if (fileName.startsWith(".")) continue;
    const path = join(dir, fileName);
    if (!statSync(path).isFile()) {
      problems.push(`${path}: not a regular file`);
      continue;
    }
    files.push({ path, fileName, bytes: new Uint8Array(readFileSync(path)) });
  }
  if (problems.length > 0) throw new PackError(problems);
  return packFiles(files, options);
}
