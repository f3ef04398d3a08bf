// Writes generated results into bench/RESULTS.md (the full tables; bench/RESULTS.md is the hand-written summary)
// between markers, leaving the hand-written analysis around them alone:
//   <!-- generated:NAME:begin --> ... <!-- generated:NAME:end -->
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const REPORT = fileURLToPath(new URL("./RESULTS.md", import.meta.url));

// A new section goes after the section named by `after` when that one exists, else at the end.
export function replaceSection(name, text, file = REPORT, { after } = {}) {
  const begin = `<!-- generated:${name}:begin -->`;
  const end = `<!-- generated:${name}:end -->`;
  const block = `${begin}\n${text.trim()}\n${end}`;
  let doc = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from >= 0 && to > from) doc = doc.slice(0, from) + block + doc.slice(to + end.length);
  else if (after && doc.includes(`<!-- generated:${after}:end -->`)) {
    const afterEnd = `<!-- generated:${after}:end -->`;
    const at = doc.indexOf(afterEnd) + afterEnd.length;
    doc = `${doc.slice(0, at)}\n\n${block}${doc.slice(at)}`;
  } else doc = `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, doc);
}
