#!/usr/bin/env node
// The project's formatter: Prettier (printWidth 120, .prettierrc.json) for code, then comment lines that Prettier
// leaves alone are wrapped at the same width. `node scripts/format.mjs` rewrites; `--check` only reports (npm test
// runs it), so a file that is not formatted fails the check step with its name and line.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WIDTH = 120;
const GLOBS = ["modules/**/*.ts", "node/**/*.ts", "specifiers/**/*.ts", "certs/**/*.ts"];
const check = process.argv.includes("--check");

const prettier = createRequire(import.meta.url).resolve("prettier/bin/prettier.cjs");
const files = execFileSync("git", ["ls-files", "--", ...GLOBS], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter(Boolean);

/** Splits `text` into pieces of at most `room` characters at spaces (a longer word stays whole). */
function fill(text, room) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Wraps one over-long comment line; returns undefined for a line that is not a whole-line comment. */
function wrapComment(line) {
  let m = /^(\s*)\/\/ ?(.*)$/.exec(line);
  if (m) return fill(m[2], WIDTH - m[1].length - 3).map((t) => `${m[1]}// ${t}`);
  m = /^(\s*)\/\*\* ?(.*?) ?\*\/$/.exec(line);
  if (m) return [`${m[1]}/**`, ...fill(m[2], WIDTH - m[1].length - 3).map((t) => `${m[1]} * ${t}`), `${m[1]} */`];
  m = /^(\s*)\* ?(.*)$/.exec(line);
  if (m && !m[2].startsWith("/")) return fill(m[2], WIDTH - m[1].length - 2).map((t) => `${m[1]}* ${t}`);
  return undefined;
}

/** Moves a trailing `// comment` that makes a code line too long onto its own line above it. */
function liftTrailing(line) {
  const m = /^(\s*)(\S.*?;|\S.*?,|\S.*?\{)\s+\/\/ (.*)$/.exec(line);
  if (!m || m[2].includes("//") || /["'`]/.test(m[3])) return undefined;
  return [...fill(m[3], WIDTH - m[1].length - 3).map((t) => `${m[1]}// ${t}`), `${m[1]}${m[2]}`];
}

const problems = [];
if (check) {
  try {
    execFileSync(process.execPath, [prettier, "--check", "--log-level", "warn", ...files], { cwd: root, stdio: "pipe" });
  } catch (e) {
    for (const l of String(e.stdout + e.stderr).split("\n")) if (l.startsWith("[warn] ") && !l.includes("Code style")) problems.push(`${l.slice(7)}: not as Prettier writes it`);
  }
} else {
  execFileSync(process.execPath, [prettier, "--write", "--log-level", "warn", ...files], { cwd: root, stdio: "inherit" });
}

for (const file of files) {
  const path = join(root, file);
  const before = readFileSync(path, "utf8").split("\n");
  const after = [];
  before.forEach((line, i) => {
    if (line.length <= WIDTH) return void after.push(line);
    const wrapped = wrapComment(line) ?? liftTrailing(line);
    if (check || !wrapped) problems.push(`${file}:${i + 1}: ${line.length} characters (at most ${WIDTH})`);
    after.push(...(wrapped ?? [line]));
  });
  if (!check && after.length !== before.length) writeFileSync(path, after.join("\n"));
}

if (problems.length) {
  console.error(problems.join("\n"));
  console.error(check ? `format: ${problems.length} problem(s); run \`node scripts/format.mjs\` to fix` : `format: ${problems.length} line(s) to shorten by hand`);
  process.exit(1);
}
console.log(`format: ${files.length} files as Prettier writes them, no line over ${WIDTH} characters`);
