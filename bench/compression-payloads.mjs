// Messages for the compression benchmark. The text and bitmap kinds come from
// the corpora the conformance suite's Autobahn 12.x-style cases use
// (host-tests/conformance/compression-payloads.ts, bundled here with esbuild
// rather than copied); random bytes are generated afresh for every message, so
// context takeover finds nothing to refer back to.
import { build } from "esbuild";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { OUT } from "./build-ours.mjs";

export const KINDS = [
  { name: "json", title: "JSON records", text: true },
  { name: "prose", title: "German prose with umlauts", text: true },
  { name: "html", title: "HTML markup", text: true },
  { name: "bitmap", title: "bitmap-like runs", text: false },
  { name: "random", title: "random bytes", text: false },
];

export const SIZES = [256, 4096, 65536];

const BUNDLE = path.join(OUT, "compression-payloads.mjs");
const SOURCE = "host-tests/conformance/compression-payloads.ts";

/** Bundles the conformance corpora once per benchmark (the client processes import the result). */
export async function bundlePayloads() {
  await build({ entryPoints: [SOURCE], bundle: true, platform: "node", format: "esm", target: "node20", outfile: BUNDLE, logLevel: "warning" });
}

function randomMessage(size, index) {
  const bytes = new Uint8Array(size);
  let x = (index + 1) * 2654435761 >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/**
 * Messages `first` .. `first + count - 1` of one kind and size, all different
 * (so a compressor keeping its window sees a stream, not one message again):
 * strings for the text kinds, fresh Uint8Arrays for the binary ones.
 */
export async function messages(kind, size, count, first = 0) {
  const spec = KINDS.find((k) => k.name === kind);
  if (!spec) throw new Error(`unknown payload kind ${kind}; known: ${KINDS.map((k) => k.name).join(", ")}`);
  const { messageOf } = kind === "random" ? {} : await import(pathToFileURL(BUNDLE).href);
  const out = [];
  for (let i = first; i < first + count; i++) {
    if (kind === "random") out.push(randomMessage(size, i));
    else if (spec.text) out.push(messageOf(kind, size, i).toString("utf8"));
    else out.push(new Uint8Array(messageOf(kind, size, i)));
  }
  return out;
}

export function byteLength(message) {
  return typeof message === "string" ? Buffer.byteLength(message) : message.byteLength;
}
