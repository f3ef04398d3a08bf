// Loads the XS host simulator (simulator/, TypeScript) into
// this Node process: esbuild bundles it to .bench-out/xs-sim.cjs, with each
// file's __dirname kept pointing at its source folder (the simulator finds its
// shims and the xsnap-worker binary relative to it).
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

export async function loadSimulator() {
  const outfile = path.resolve(".bench-out/xs-sim.cjs");
  await build({
    entryPoints: [path.resolve("simulator/simulator.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "warning",
    plugins: [{
      name: "keep-dirname",
      setup(b) {
        b.onLoad({ filter: /simulator[\\/].*\.ts$/ }, async (args) => ({
          contents: (await readFile(args.path, "utf8")).replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))),
          loader: "ts",
        }));
      },
    }],
  });
  const require = createRequire(import.meta.url);
  delete require.cache[outfile];
  return require(outfile);
}
