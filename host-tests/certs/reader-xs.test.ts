/**
 * The bundle reader on Moddable's XS engine (xsnap from npm): the same
 * lookups and the same refusals as on Node, for good and damaged bundles.
 */
import { build } from "esbuild";
import path from "node:path";
import { encodeBundle, type WriterEntry } from "../../certs/bundle-writer";
import { XsEngine } from "../../simulator/engine";
import { probe } from "./fixtures/reader-probe";

let engine: XsEngine;

beforeAll(async () => {
  const result = await build({
    entryPoints: [path.join(__dirname, "fixtures/reader-xs-entry.ts")],
    bundle: true, write: false, format: "iife", platform: "neutral", target: "es2022", logLevel: "silent",
  });
  engine = new XsEngine(() => new Uint8Array(0));
  await engine.evaluate(result.outputFiles[0].text);
});

afterAll(async () => {
  await engine?.stop();
});

async function probeOnXs(bytes: Uint8Array, hosts: string[]): Promise<unknown> {
  const list = new TextEncoder().encode(JSON.stringify(hosts));
  const message = new Uint8Array(4 + list.length + bytes.length);
  new DataView(message.buffer).setUint32(0, list.length, true);
  message.set(list, 4);
  message.set(bytes, 4 + list.length);
  const { reply } = await engine.command(message);
  return JSON.parse(new TextDecoder().decode(reply));
}

const enc = (s: string) => new TextEncoder().encode(s);
const block = (label: string, tag: string) => enc(`-----BEGIN ${label}-----\n${Buffer.from(tag).toString("base64")}\n-----END ${label}-----\n`);
const entries: WriterEntry[] = [
  { name: "localhost_ca", format: "pem", bytes: block("CERTIFICATE", "root") },
  { name: "localhost_cert", format: "pem", bytes: block("CERTIFICATE", "client") },
  { name: "localhost_key", format: "pem", bytes: block("EC PRIVATE KEY", "key") },
  { name: "*.example.com_ca", format: "pem", bytes: block("CERTIFICATE", "wild") },
  { name: "127.0.0.1_ca", format: "der", bytes: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]) },
];
const good = encodeBundle(entries);
const HOSTS = ["localhost", "a.example.com", "example.com", "127.0.0.1", "nowhere.test"];

test("lookups on XS match Node's, and are what the bundle says", async () => {
  const onXs = await probeOnXs(good, HOSTS);
  expect(onXs).toEqual(probe(good, HOSTS));
  expect(onXs).toEqual([
    { host: "localhost", ca: [entries[0].bytes.length, 0x2d, 0x0a], cert: [entries[1].bytes.length, 0x2d, 0x0a], key: [entries[2].bytes.length, 0x2d, 0x0a] },
    { host: "a.example.com", ca: [entries[3].bytes.length, 0x2d, 0x0a] },
    { host: "example.com", error: "CERT_BUNDLE", message: expect.stringContaining('no entry for host "example.com"') },
    { host: "127.0.0.1", ca: [5, 0x30, 0x05] },
    { host: "nowhere.test", error: "CERT_BUNDLE", message: expect.stringContaining("tried nowhere.test, *.test, default") },
  ]);
});

test("damaged bundles get the same CERT_BUNDLE refusals on XS as on Node", async () => {
  const damaged: Uint8Array[] = [new Uint8Array(0), good.subarray(0, 19), good.subarray(0, good.length - 1)];
  // A flip in every 7th byte: header, table, names and payloads all get hit.
  for (let i = 0; i < good.length; i += 7) {
    const b = good.slice();
    b[i] ^= 0x40;
    damaged.push(b);
  }
  for (const bytes of damaged) {
    const onXs = await probeOnXs(bytes, HOSTS) as { host: string; error?: string }[] | { error: string };
    expect(onXs).toEqual(probe(bytes, HOSTS));
    // Every damage shows up in a host that resolves in the good bundle, and as nothing but CERT_BUNDLE.
    const errors = Array.isArray(onXs)
      ? onXs.filter((r) => r.host !== "example.com" && r.host !== "nowhere.test").map((r) => r.error).filter(Boolean)
      : [onXs.error];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toBe("CERT_BUNDLE");
  }
});
