// Bundles this project's Node entry (node/index.ts) into .bench-out/ours.mjs.
// By default the bundle is made from the committed HEAD (git archive), so a
// benchmark measures a known commit even while the working tree is being edited;
// --rev=<commit> bundles that commit instead; --working-tree bundles the files
// as they are on disk (for experiments).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

export const OUT = path.resolve(".bench-out");

function git(args) {
  return execFileSync("git", args, { encoding: "utf8" }).trim();
}

/** The build options given on a command line: --working-tree, --rev=<commit>. */
export function sourceFromArgs(args) {
  return { workingTree: args.includes("--working-tree"), rev: args.find((a) => a.startsWith("--rev="))?.slice(6) };
}

export async function buildOurs({ workingTree = false, rev = "HEAD" } = {}) {
  mkdirSync(OUT, { recursive: true });
  let root = ".";
  const commit = git(["rev-parse", "--short=12", rev]);
  if (!workingTree) {
    root = path.join(OUT, "src");
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    execFileSync("sh", ["-c", `git archive ${commit} node modules | tar -x -C "${root}"`]);
  }
  await build({
    // A commit whose files import something never committed fails here: try --working-tree or --rev.
    entryPoints: [path.join(root, "node/index.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: path.join(OUT, "ours.mjs"),
    logLevel: "warning",
  });
  const dirty = workingTree && git(["status", "--porcelain", "--", "node", "modules"]) !== "";
  return { commit, source: workingTree ? `the working tree at ${commit}${dirty ? " with uncommitted changes in node/ or modules/" : ""}` : `commit ${commit}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const info = await buildOurs(sourceFromArgs(process.argv));
  console.log(`built .bench-out/ours.mjs from ${info.source}`);
}
