import { randomBytes } from "node:crypto";
import { isUtf8 } from "node:buffer";
import { APPLY_CHUNK, Utf8Validator, decodeUtf8, encodeUtf8, incompleteTail, isValidUtf8, validateUtf8Piece } from "../../modules/core/utf8";
import { latin1 } from "../../modules/core/http-head";

const fatal = new TextDecoder("utf-8", { fatal: true });
function oracle(bytes: Uint8Array): boolean {
  try { fatal.decode(bytes); return true; } catch { return false; }
}
const b = (...xs: number[]) => new Uint8Array(xs);

describe("UTF-8", () => {
  test.each([
    ["ASCII", b(0x41, 0x42), true],
    ["2-byte", b(0xc3, 0xa9), true],
    ["3-byte", b(0xe2, 0x82, 0xac), true],
    ["4-byte", b(0xf0, 0x9f, 0x98, 0x80), true],
    ["U+10FFFF", b(0xf4, 0x8f, 0xbf, 0xbf), true],
    ["overlong 2-byte slash", b(0xc0, 0xaf), false],
    ["overlong 3-byte", b(0xe0, 0x80, 0xaf), false],
    ["overlong 4-byte", b(0xf0, 0x80, 0x80, 0xaf), false],
    ["surrogate D800", b(0xed, 0xa0, 0x80), false],
    ["surrogate DFFF", b(0xed, 0xbf, 0xbf), false],
    ["above U+10FFFF", b(0xf4, 0x90, 0x80, 0x80), false],
    ["F5 lead", b(0xf5, 0x80, 0x80, 0x80), false],
    ["FE", b(0xfe), false],
    ["FF", b(0xff), false],
    ["lone continuation", b(0x80), false],
    ["truncated 3-byte", b(0xe2, 0x82), false],
    ["lead followed by ASCII", b(0xc3, 0x41), false],
  ])("%s", (_name, bytes, valid) => {
    expect(isValidUtf8(bytes)).toBe(valid);
    expect(oracle(bytes)).toBe(valid);
  });

  test("incremental validation agrees with the oracle, split at every byte", () => {
    const samples = [encodeUtf8("κόσμε 😀 €uro ascii"), b(0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xed, 0xa0, 0x80, 0x65, 0x64)];
    for (const s of samples) {
      for (let cut = 0; cut <= s.length; cut++) {
        const v = new Utf8Validator();
        const first = v.update(s, 0, cut);
        const second = first >= 0 ? first : v.update(s, cut, s.length);
        expect(second < 0 && v.complete).toBe(oracle(s));
      }
    }
  });

  test("fails at the first invalid byte", () => {
    const v = new Utf8Validator();
    expect(v.update(b(0x41, 0x42, 0xed, 0xa0, 0x80))).toBe(3);
  });

  test("random bytes: validator equals TextDecoder fatal", () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(1 + (i % 12));
      expect(isValidUtf8(bytes)).toBe(oracle(bytes));
    }
  });

  test("encode and decode match the platform for every plane, and lone surrogates become U+FFFD", () => {
    const text = "aé€😀\u{10FFFF}\u0000z".repeat(300);
    expect(Buffer.from(encodeUtf8(text))).toEqual(Buffer.from(text, "utf8"));
    expect(decodeUtf8(encodeUtf8(text))).toBe(text);
    expect(Array.from(encodeUtf8("\ud800x"))).toEqual([0xef, 0xbf, 0xbd, 0x78]);
  });

  test("incompleteTail counts the bytes of an unfinished last character", () => {
    expect(incompleteTail(b(0x41))).toBe(0);
    expect(incompleteTail(b(0x41, 0xe2))).toBe(1);
    expect(incompleteTail(b(0x41, 0xe2, 0x82))).toBe(2);
    expect(incompleteTail(b(0xe2, 0x82, 0xac))).toBe(0);
    expect(incompleteTail(b(0xf0, 0x9f, 0x98))).toBe(3);
  });
});

describe("validateUtf8Piece with a native checker", () => {
  const native = (bytes: Uint8Array) => isUtf8(bytes);
  test("gives the JS validator's verdict and failing index for pieces split anywhere", () => {
    const valid = encodeUtf8("ascii κόσμε € 😀 ".repeat(20));
    for (let trial = 0; trial < 400; trial++) {
      const bytes = Buffer.from(valid);
      if (trial % 2) bytes[(trial * 7919) % bytes.length] = [0xff, 0x80, 0xc0, 0xed, 0xf5][trial % 5];
      const cut = (trial * 104729) % bytes.length;
      const js = new Utf8Validator(), mixed = new Utf8Validator();
      const run = (v: Utf8Validator, f: (p: Uint8Array) => number) => {
        const a = f(bytes.subarray(0, cut));
        if (a >= 0) return a;
        const b = f(bytes.subarray(cut));
        return b >= 0 ? cut + b : -1;
      };
      const expected = run(js, (p) => js.update(p));
      const got = run(mixed, (p) => validateUtf8Piece(mixed, p, native));
      expect(got).toBe(expected);
      expect(mixed.complete).toBe(js.complete);
    }
  });
});

describe("string building within a Moddable app's XS stack", () => {
  // Each argument of String.fromCharCode.apply takes a slot of the XS stack; Moddable apps have 512 slots
  // (examples/manifest_base.json), shared with every frame below. A 526-character text message once overflowed it.
  const widest = (run: () => string): { text: string; most: number } => {
    const original = String.fromCharCode;
    let most = 0;
    String.fromCharCode = function (...codes: number[]) { most = Math.max(most, codes.length); return original.apply(String, codes); };
    try { return { text: run(), most }; } finally { String.fromCharCode = original; }
  };

  test("decodeUtf8 (the fallback without TextDecoder) decodes long text in calls of at most APPLY_CHUNK code units", () => {
    const text = "compressible ".repeat(400) + "é€😀".repeat(300);
    const { text: decoded, most } = widest(() => decodeUtf8(new Uint8Array(Buffer.from(text, "utf8"))));
    expect(decoded).toBe(text);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(APPLY_CHUNK);
    expect(APPLY_CHUNK).toBeLessThanOrEqual(128);
  });

  test("latin1 (handshake header text) reads a long head in calls of at most APPLY_CHUNK bytes", () => {
    const head = "HTTP/1.1 101 Switching Protocols\r\n" + "X-Padding: " + "p".repeat(3000) + "\r\n\r\n";
    const bytes = new Uint8Array(Buffer.from(head, "latin1"));
    const { text, most } = widest(() => latin1(bytes, 0, bytes.length));
    expect(text).toBe(head);
    expect(most).toBeLessThanOrEqual(APPLY_CHUNK);
  });
});
