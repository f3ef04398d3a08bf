/**
 * A certificate bundle with any damage is refused where it is opened
 * (CertificateBundle.open, BundleTlsProvider), with CERT_BUNDLE, not later
 * by the first connection to the host whose entry it breaks. Checked with
 * every single-byte flip of a real packed bundle (openssl certificates and
 * keys, PEM and DER), on Node and on the XS engine; the per-use check stays.
 */
import { build } from "esbuild";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packDirectory } from "../../certs/pack";
import { CertificateBundle } from "../../modules/certs/bundle";
import { BundleTlsProvider } from "../../modules/certs/provider";
import { WebSocketError } from "../../modules/core/errors";
import { XsEngine } from "../../simulator/engine";
import { makePki, type Pki } from "../certs/pki";
import { openVerdicts } from "./fixtures/bundle-open-probe";

let pki: Pki;
let work: string;
let good: Uint8Array;

beforeAll(() => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), "wscerts-open-"));
  const dir = join(work, "in");
  mkdirSync(dir);
  const files: Record<string, string> = {
    "localhost_ca.pem": "ca.pem", "localhost_cert.pem": "client.pem", "localhost_key.pem": "client.key",
    "_wildcard_.wild.test_ca.pem": "other-ca.pem", "127.0.0.1_ca.der": "ca.der", "default_ca.pem": "ca.pem",
  };
  for (const [name, from] of Object.entries(files)) copyFileSync(pki.path(from), join(dir, name));
  good = packDirectory(dir).bundle;
});

afterAll(() => {
  pki?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every way to flip one byte that the test tries: one low bit, one high bit, all bits. */
const FLIPS = [0x01, 0x80, 0xff];

function flipped(i: number, mask: number): Uint8Array {
  const b = good.slice();
  b[i] ^= mask;
  return b;
}

function openError(bytes: Uint8Array): WebSocketError | undefined {
  try {
    CertificateBundle.open(bytes);
    return undefined;
  } catch (e) {
    if (e instanceof WebSocketError) return e;
    throw e;
  }
}

test("the good bundle opens and every entry passes the full check", () => {
  const bundle = CertificateBundle.open(good);
  expect(bundle.count).toBe(6);
  bundle.verifyAll();
});

test("every single-byte flip is refused by open() with CERT_BUNDLE", () => {
  const loaded: string[] = [];
  for (let i = 0; i < good.length; i++) {
    for (const mask of FLIPS) {
      const error = openError(flipped(i, mask));
      if (!error) loaded.push(`byte ${i} ^ 0x${mask.toString(16)}`);
      else expect(error.code).toBe("CERT_BUNDLE");
    }
  }
  expect(loaded).toEqual([]);
});

test("a flip in a payload names its entry; BundleTlsProvider refuses it when made, not at tlsFor()", () => {
  const bundle = CertificateBundle.open(good);
  const key = bundle.info(bundle.indexOf("localhost_key"));
  const damaged = flipped(key.offset + Math.floor(key.length / 2), 0x01);
  expect(openError(damaged)?.message).toMatch(/entry "localhost_key" is corrupt \(CRC mismatch\)/);
  expect(() => new BundleTlsProvider(damaged)).toThrow(/localhost_key/);
});

test("the per-use check stays: memory damaged after open() is refused when the entry is used", () => {
  const bytes = good.slice();
  const bundle = CertificateBundle.open(bytes);
  const ca = bundle.info(bundle.indexOf("localhost_ca"));
  bytes[ca.offset + 40] ^= 0x01;
  expect(() => bundle.payload("localhost_ca")).toThrow(/entry "localhost_ca" is corrupt/);
  expect(bundle.payload("localhost_cert")).toBeDefined();
});

test("on the XS engine, open() refuses the same flips with the same messages", async () => {
  const result = await build({
    entryPoints: [join(__dirname, "fixtures/bundle-open-xs-entry.ts")],
    bundle: true, write: false, format: "iife", platform: "neutral", target: "es2022", logLevel: "silent",
  });
  const engine = new XsEngine(() => new Uint8Array(0));
  try {
    await engine.evaluate(result.outputFiles[0].text);
    // One command per flip mask: the worker flips each byte of the bundle in turn and opens it.
    for (const mask of FLIPS) {
      const message = new Uint8Array(1 + good.length);
      message[0] = mask;
      message.set(good, 1);
      const { reply } = await engine.command(message);
      const onXs = JSON.parse(new TextDecoder().decode(reply)) as string[];
      expect(onXs).toEqual(openVerdicts(good, mask));
      expect(onXs.filter((v) => !v.startsWith("CERT_BUNDLE: "))).toEqual([]);
    }
  } finally {
    await engine.stop();
  }
}, 120000);
