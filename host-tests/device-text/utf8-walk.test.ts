/**
 * The pure-TypeScript UTF-8 walks (modules/core/utf8.ts) against Node's own
 * encoder, and with the iteration a Moddable device does: there a pair
 * stored as two surrogates (built by concatenation) comes out of for…of as
 * two one-surrogate strings, where Node and xsnap give one character.
 */
import fc from "fast-check";
import { decodeUtf8, encodeUtf8, utf8Length } from "../../modules/core/utf8";

/** A string-like whose iterator yields the given pieces, as XS on a device iterates. */
function deviceString(pieces: string[]): string {
  const like = {
    length: pieces.length, // a device counts characters, not UTF-16 units
    [Symbol.iterator]: () => pieces[Symbol.iterator](),
  };
  return like as unknown as string;
}

describe("UTF-8 walks", () => {
  test("any string: the bytes and length Node gives (lone surrogates as U+FFFD), and back", () => {
    // Any code point, lone surrogates included (String.fromCodePoint(0xd800) is one), and adjacent halves that pair up.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
      fc.constantFrom("\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\u0000", "\uFEFF", "é", "€"),
    );
    const text$ = fc.array(unit, { maxLength: 200 }).map((units) => units.join(""));
    let lone = 0;
    fc.assert(fc.property(text$, (text) => {
      if (/[\uD800-\uDFFF]/u.test(text)) lone++;
      const expected = Buffer.from(text, "utf8");
      expect(Buffer.from(encodeUtf8(text))).toEqual(expected);
      expect(utf8Length(text)).toBe(expected.length);
      expect(decodeUtf8(expected)).toBe(expected.toString("utf8"));
    }), { numRuns: 2000 });
    expect(lone).toBeGreaterThan(100); // the lone-surrogate cases were exercised
  });

  test("a pair that a device yields as two surrogates is written as one 4-byte character", () => {
    const pieces = ["a", "\uD83D", "\uDE00", "b", "\uD83D", "x", "\uDE00", "\uDBFF", "\uDFFF"];
    const text = deviceString(pieces);
    const expected = Buffer.concat([
      Buffer.from("a"), Buffer.from([0xf0, 0x9f, 0x98, 0x80]), Buffer.from("b"),
      Buffer.from([0xef, 0xbf, 0xbd]), Buffer.from("x"), Buffer.from([0xef, 0xbf, 0xbd]),
      Buffer.from([0xf4, 0x8f, 0xbf, 0xbf]),
    ]);
    expect(Buffer.from(encodeUtf8(text))).toEqual(expected);
    expect(utf8Length(text)).toBe(expected.length);
  });

  test("a device's string: characters above U+FFFF count 1 in its length, and the buffer grows to fit", () => {
    const pieces = Array.from({ length: 100 }, (_, i) => (i % 2 ? "😀" : "€"));
    const text = deviceString(pieces);
    expect(Buffer.from(encodeUtf8(text))).toEqual(Buffer.from(pieces.join(""), "utf8"));
  });

  test("decoding long text crosses pieces without splitting a pair", () => {
    const text = "x😀".repeat(1000) + "é".repeat(300);
    expect(decodeUtf8(Buffer.from(text, "utf8"))).toBe(text);
  });
});
