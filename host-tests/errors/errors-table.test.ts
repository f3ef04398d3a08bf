/**
 * The README's errors table lists exactly the codes the library can emit. The
 * codes are read from the source: the ErrorCode union in modules/core/errors.ts,
 * and for each, a place under modules/ that produces it (a string literal that
 * is not a `case` label, which only reads a code). A code in the union that
 * nothing produces, one the table lacks, or a row for a code that does not
 * exist, fails.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

function unionCodes(): string[] {
  const source = readFileSync(join(ROOT, "modules/core/errors.ts"), "utf8");
  const union = /export type ErrorCode =([^;]*);/.exec(source);
  if (!union) throw new Error("no ErrorCode union in modules/core/errors.ts");
  return Array.from(union[1].matchAll(/"([A-Z0-9_]+)"/g), (m) => m[1]).sort();
}

function tableCodes(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("\n## Errors\n");
  if (start < 0) throw new Error("README.md has no ## Errors section");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return Array.from(section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm), (m) => m[1]).sort();
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Codes some module under modules/ produces: a quoted code on a line that is not a `case` label. */
function producedCodes(codes: string[]): string[] {
  const produced = new Set<string>();
  for (const file of sourceFiles(join(ROOT, "modules"))) {
    if (file.endsWith(join("core", "errors.ts"))) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (/^\s*case "/.test(line)) continue;
      for (const code of codes) if (line.includes(`"${code}"`)) produced.add(code);
    }
  }
  return Array.from(produced).sort();
}

test("every code in the ErrorCode union is produced somewhere under modules/", () => {
  const codes = unionCodes();
  expect(codes.length).toBeGreaterThan(15);
  expect(producedCodes(codes)).toEqual(codes);
});

test("the README errors table lists exactly the ErrorCode codes, none missing, none extra", () => {
  const table = tableCodes();
  const codes = unionCodes();
  expect(table.filter((c) => !codes.includes(c))).toEqual([]);
  expect(codes.filter((c) => !table.includes(c))).toEqual([]);
  expect(new Set(table).size).toBe(table.length);
});
