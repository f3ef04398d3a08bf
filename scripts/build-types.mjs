// Declarations for both module systems, from the ones tsc emits for node/index.ts (dist/.types-emit).
// tsc keeps our extensionless relative imports (`../modules/api/browser`), which node16/nodenext consumers
// cannot resolve (TS2834), so each specifier gets the extension Node would need: `.js` in the ESM tree
// (dist/types/**/*.d.ts) and `.cjs` in the CommonJS tree (dist/types/**/*.d.cts, which TypeScript reads as
// CommonJS even in a "type": "module" package). A specifier that names no emitted file stops the build.
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?(?:\/[^"']*)?)\2/g;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function isFile(path) {
  try { return statSync(path).isFile(); } catch { return false; }
}

/** `../x` → `../x.js` or `../x/index.js` (`.cjs` for the CommonJS tree), by what tsc emitted. */
function withExtension(file, specifier, extension) {
  const base = resolve(dirname(file), specifier);
  if (isFile(base + ".d.ts")) return specifier + extension;
  if (isFile(join(base, "index.d.ts"))) return specifier.replace(/\/$/, "") + "/index" + extension;
  throw new Error(`${file}: "${specifier}" names no emitted declaration file`);
}

export function buildTypes(emitted, out) {
  rmSync(out, { recursive: true, force: true });
  const files = walk(emitted).filter((f) => f.endsWith(".d.ts"));
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const target = join(out, relative(emitted, file));
    mkdirSync(dirname(target), { recursive: true });
    for (const [extension, suffix] of [[".js", ".d.ts"], [".cjs", ".d.cts"]]) {
      const rewritten = text.replace(SPECIFIER, (_, lead, quote, spec) => lead + quote + withExtension(file, spec, extension) + quote);
      writeFileSync(target.slice(0, -".d.ts".length) + suffix, rewritten);
    }
  }
  rmSync(emitted, { recursive: true, force: true });
  return files.length;
}
