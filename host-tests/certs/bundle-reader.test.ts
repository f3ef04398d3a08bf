/**
 * The device reader against well-formed and damaged bundles. Payloads here are
 * structurally valid PEM/DER (the reader's own checks); real certificates are
 * exercised by the TLS tests.
 */
import fc from "fast-check";
import { encodeBundle, type WriterEntry } from "../../certs/bundle-writer";
import { crc32, crc32Update } from "../../modules/certs/crc32";
import { crc32 as zlibCrc32 } from "node:zlib";
import { CertificateBundle } from "../../modules/certs/bundle";
import * as F from "../../modules/certs/format";
import { WebSocketError } from "../../modules/core/errors";

const enc = (s: string) => new TextEncoder().encode(s);
const pemBlock = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const CERT = (tag: string) => enc(pemBlock("CERTIFICATE", Buffer.from("certificate " + tag).toString("base64")));
const KEY = (tag: string) => enc(pemBlock("PRIVATE KEY", Buffer.from("key " + tag).toString("base64")));
const DER = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x07]);

function pem(name: string, bytes: Uint8Array): WriterEntry {
  return { name, format: "pem", bytes };
}

function sample(): Uint8Array {
  return encodeBundle([
    pem("localhost_ca", CERT("root")),
    pem("localhost_cert", CERT("client")),
    pem("localhost_key", KEY("client")),
    pem("*.example.com_ca", CERT("wild")),
    pem("api.example.com_chain", CERT("inter")),
    pem("api.example.com_ca", CERT("api")),
    pem("default_ca", CERT("root")), // same bytes as localhost_ca: stored once
    { name: "127.0.0.1_ca", format: "der", bytes: DER },
  ]);
}

function text(bytes: Uint8Array | undefined): string {
  return bytes ? new TextDecoder().decode(bytes) : "";
}

function expectBundleError(fn: () => unknown, pattern?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WebSocketError);
  expect((caught as WebSocketError).code).toBe("CERT_BUNDLE");
  if (pattern) expect((caught as WebSocketError).message).toMatch(pattern);
}

/** Apply `edit` to a copy, then recompute the directory CRC (a "wrong packer", not transport damage). */
function edited(bytes: Uint8Array, edit: (b: Uint8Array, v: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  edit(copy, view);
  view.setUint32(F.OFFSET_DIRECTORY_CRC, 0, true);
  const directory = view.getUint32(F.OFFSET_DIRECTORY_LENGTH, true);
  view.setUint32(F.OFFSET_DIRECTORY_CRC, crc32Update(0, copy, 0, Math.min(directory, copy.length)), true);
  return copy;
}

test("CRC-32 is the zlib one, and continues across calls", () => {
  expect(crc32(enc("123456789"))).toBe(0xcbf43926);
  const data = sample();
  expect(crc32Update(crc32Update(0, data, 0, 77), data, 77)).toBe(crc32(data));
  expect(crc32(data)).toBe(zlibCrc32(data) >>> 0);
});

describe("well-formed bundle", () => {
  test("lists entries in name order and reads payloads as views into the given memory", () => {
    const bytes = sample();
    const bundle = CertificateBundle.open(bytes.buffer);
    expect(bundle.entries().map((e) => e.name)).toEqual([
      "*.example.com_ca", "127.0.0.1_ca", "api.example.com_ca", "api.example.com_chain",
      "default_ca", "localhost_ca", "localhost_cert", "localhost_key",
    ]);
    const ca = bundle.payload("localhost_ca")!;
    expect(ca.format).toBe("pem");
    expect(ca.bytes.buffer).toBe(bytes.buffer);
    expect(text(ca.bytes)).toBe(text(CERT("root")));
    expect(bundle.payload("127.0.0.1_ca")).toEqual({ bytes: DER, format: "der" });
    expect(bundle.payload("nothere_ca")).toBeUndefined();
    bundle.verifyAll();
  });

  test("identical payloads are stored once", () => {
    const bundle = CertificateBundle.open(sample());
    expect(bundle.info(bundle.indexOf("default_ca")).offset).toBe(bundle.info(bundle.indexOf("localhost_ca")).offset);
  });

  test("opens from a Uint8Array view at an offset, and ignores bytes after the declared length", () => {
    const bytes = sample();
    const padded = new Uint8Array(bytes.length + 64);
    padded.set(bytes, 16);
    padded.fill(0xff, 16 + bytes.length);
    const bundle = CertificateBundle.open(padded.subarray(16));
    bundle.verifyAll();
    expect(text(bundle.payload("localhost_cert")?.bytes)).toBe(text(CERT("client")));
  });

  test("an empty bundle is valid and matches nothing", () => {
    const bundle = CertificateBundle.open(encodeBundle([]));
    expect(bundle.count).toBe(0);
    expect(bundle.lookup("localhost")).toBeUndefined();
  });
});

describe("lookup by host name", () => {
  const bundle = CertificateBundle.open(sample());
  test.each([
    ["localhost", "localhost"],
    ["LOCALHOST.", "localhost"],
    ["api.example.com", "api.example.com"],
    ["www.example.com", "*.example.com"],
    ["WWW.Example.COM", "*.example.com"],
    ["example.com", "default"],            // a wildcard needs one more label
    ["a.b.example.com", "default"],        // ... and exactly one
    ["127.0.0.1", "127.0.0.1"],
    ["10.0.0.1", "default"],
    ["other", "default"],
  ])("%s -> %s", (host, domain) => {
    expect(bundle.domainFor(host)).toBe(domain);
  });

  test("an address never matches a wildcard", () => {
    const b = CertificateBundle.open(encodeBundle([pem("*.0.0.1_ca", CERT("x"))]));
    expect(b.domainFor("127.0.0.1")).toBeUndefined();
  });

  test("entries are never mixed across domains", () => {
    const found = bundle.lookup("api.example.com")!;
    expect(found.domain).toBe("api.example.com");
    expect(text(found.ca?.bytes)).toBe(text(CERT("api")));
    expect(text(found.chain?.bytes)).toBe(text(CERT("inter")));
    expect(found.cert).toBeUndefined();
    expect(found.key).toBeUndefined();
  });

  test("no default: an unknown host finds nothing", () => {
    const b = CertificateBundle.open(encodeBundle([pem("localhost_ca", CERT("x"))]));
    expect(b.lookup("elsewhere")).toBeUndefined();
  });
});

describe("damaged bundles are refused with CERT_BUNDLE", () => {
  const good = sample();

  test.each<[string, () => Uint8Array, RegExp]>([
    ["empty", () => new Uint8Array(0), /truncated: 0 bytes/],
    ["shorter than the header", () => good.subarray(0, F.HEADER_SIZE - 1), /truncated/],
    ["bad magic", () => { const b = good.slice(); b[0] = 0x58; return b; }, /bad magic/],
    ["unknown version", () => edited(good, (_b, v) => v.setUint16(F.OFFSET_VERSION, 2, true)), /unsupported version 2/],
    ["cut in the payloads", () => good.subarray(0, good.length - 10), /truncated: header says/],
    ["cut in the table", () => good.subarray(0, F.HEADER_SIZE + 5), /truncated/],
    ["directory CRC wrong", () => { const b = good.slice(); b[F.OFFSET_DIRECTORY_CRC] ^= 1; return b; }, /directory CRC mismatch/],
    ["directory longer than the file", () => edited(good, (b, v) => v.setUint32(F.OFFSET_DIRECTORY_LENGTH, b.length + 1, true)), /directory length/],
    ["count larger than the directory", () => edited(good, (_b, v) => v.setUint16(F.OFFSET_COUNT, 500, true)), /directory length/],
    ["name out of bounds", () => edited(good, (b, v) => v.setUint32(F.HEADER_SIZE + F.ENTRY_NAME_OFFSET, b.length, true)), /entry 0 has its name out of bounds/],
    ["payload past the end", () => edited(good, (b, v) => v.setUint32(F.HEADER_SIZE + F.ENTRY_PAYLOAD_LENGTH, b.length, true)), /payload out of bounds/],
    ["payload inside the directory", () => edited(good, (_b, v) => v.setUint32(F.HEADER_SIZE + F.ENTRY_PAYLOAD_OFFSET, 0, true)), /payload out of bounds/],
    ["zero-length payload", () => edited(good, (_b, v) => v.setUint32(F.HEADER_SIZE + F.ENTRY_PAYLOAD_LENGTH, 0, true)), /payload out of bounds/],
    ["unknown payload format", () => edited(good, (b) => { b[F.HEADER_SIZE + F.ENTRY_FORMAT] = 9; }), /unknown format 9/],
    ["reserved byte set", () => edited(good, (b) => { b[F.HEADER_SIZE + F.ENTRY_RESERVED] = 1; }), /reserved byte/],
  ])("%s", (_what, make, pattern) => {
    expectBundleError(() => CertificateBundle.open(make()), pattern);
  });

  test("names out of order", () => {
    const b = encodeBundle([pem("a.test_ca", CERT("a")), pem("b.test_ca", CERT("b"))]);
    const swapped = edited(b, (bytes, v) => {
      // Swap the two table rows.
      const row0 = bytes.slice(F.HEADER_SIZE, F.HEADER_SIZE + F.ENTRY_SIZE);
      bytes.copyWithin(F.HEADER_SIZE, F.HEADER_SIZE + F.ENTRY_SIZE, F.HEADER_SIZE + 2 * F.ENTRY_SIZE);
      bytes.set(row0, F.HEADER_SIZE + F.ENTRY_SIZE);
      void v;
    });
    expectBundleError(() => CertificateBundle.open(swapped), /not in strict name order at "a.test_ca"/);
  });

  test("a name that is not <domain>_<kind>", () => {
    const b = encodeBundle([pem("a.test_ca", CERT("a"))]);
    const renamed = edited(b, (bytes, v) => {
      const at = v.getUint32(F.HEADER_SIZE + F.ENTRY_NAME_OFFSET, true);
      bytes.set(enc("a.test_xx"), at);
    });
    expectBundleError(() => CertificateBundle.open(renamed), /invalid name "a.test_xx"/);
  });

  test("a damaged payload is refused when the bundle is opened, and when it is used, naming the entry", () => {
    const b = good.slice();
    const bundle = CertificateBundle.open(b);
    const info = bundle.info(bundle.indexOf("localhost_key"));
    b[info.offset + 30] ^= 0x20;
    expectBundleError(() => CertificateBundle.open(b), /entry "localhost_key" is corrupt \(CRC mismatch\)/);
    // Memory damaged after open(): the per-use check still catches it.
    expect(bundle.payload("localhost_ca")).toBeDefined();
    expectBundleError(() => bundle.payload("localhost_key"), /entry "localhost_key" is corrupt \(CRC mismatch\)/);
    expectBundleError(() => bundle.lookup("localhost"), /localhost_key/);
    expectBundleError(() => bundle.verifyAll(), /localhost_key/);
  });

  test.each<[string, WriterEntry, RegExp]>([
    ["a certificate where a key belongs", pem("h.test_key", CERT("x")), /PEM "CERTIFICATE" block where a private key was expected/],
    ["a key where a CA belongs", pem("h.test_ca", KEY("x")), /PEM "PRIVATE KEY" block where a certificate was expected/],
    ["two certificates as the client certificate", pem("h.test_cert", new Uint8Array([...CERT("a"), ...CERT("b")])), /2 PEM blocks/],
    ["a PEM block without its END line", pem("h.test_ca", CERT("x").subarray(0, 40)), /without its END line/],
    ["text that is not base64", pem("h.test_ca", enc(pemBlock("CERTIFICATE", "not*base64"))), /not base64/],
    ["text that is not PEM", pem("h.test_ca", enc("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\ntrailing words")), /text outside a PEM block/],
    ["DER that runs past the entry", { name: "h.test_ca", format: "der", bytes: new Uint8Array([0x30, 0x10, 1, 2]) }, /longer than the entry/],
    ["DER that is not a SEQUENCE", { name: "h.test_ca", format: "der", bytes: new Uint8Array([0x04, 0x01, 1]) }, /neither PEM nor a DER SEQUENCE/],
  ])("an entry holding %s", (_what, entry, pattern) => {
    const bundle = CertificateBundle.open(encodeBundle([entry]));
    expectBundleError(() => bundle.payload(entry.name), pattern);
  });

  test("every single flipped bit is caught when the bundle is opened", () => {
    for (let i = 0; i < good.length; i++) {
      for (const bit of [0x01, 0x10, 0x80]) {
        const b = good.slice();
        b[i] ^= bit;
        expectBundleError(() => CertificateBundle.open(b));
      }
    }
  });

  test("every truncation is caught", () => {
    for (let n = 0; n < good.length; n++) expectBundleError(() => CertificateBundle.open(good.subarray(0, n)));
  });

  test("random bytes, and random bytes behind a valid magic, never throw anything but CERT_BUNDLE", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (random, withMagic) => {
      const b = random.slice();
      if (withMagic && b.length >= 6) { b.set(F.MAGIC, 0); b[4] = 1; b[5] = 0; }
      try {
        const bundle = CertificateBundle.open(b);
        bundle.verifyAll();
        bundle.lookup("localhost");
      } catch (e) {
        expect(e).toBeInstanceOf(WebSocketError);
        expect((e as WebSocketError).code).toBe("CERT_BUNDLE");
      }
    }), { numRuns: 2000 });
  });

  test("not an ArrayBuffer at all", () => {
    expectBundleError(() => CertificateBundle.open("bundle" as unknown as ArrayBuffer), /expected an ArrayBuffer/);
  });
});
