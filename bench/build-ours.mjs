// Bundles this project's Node entry (node/index.ts) into .bench-out/ours.mjs.
// By default the bundle is made from the committed HEAD (git archive), so a
// benchmark measures a known commit even while the working tree is being edited;
// --working-tree bundles the files as they are on disk (for experiments).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

export const OUT = path.resolve(".bench-out");

function git(args) {
  return execFileSync("git", args, { encoding: "utf8" }).trim();
}

export async function buildOurs({ workingTree = false } = {}) {
  mkdirSync(OUT, { recursive: true });
  let root = ".";
  const commit = git(["rev-parse", "--short=12", "HEAD"]);
  if (!workingTree) {
    root = path.join(OUT, "src");
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    execFileSync("sh", ["-c", `git archive HEAD node modules | tar -x -C "${root}"`]);
  }
  await build({
    entryPoints: [path.join(root, "node/index.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: path.join(OUT, "ours.mjs"),
    logLevel: "warning",
  });
  return { commit, source: workingTree ? "working tree" : `commit ${commit}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const info = await buildOurs({ workingTree: process.argv.includes("--working-tree") });
  console.log(`built .bench-out/ours.mjs from ${info.source}`);
}
