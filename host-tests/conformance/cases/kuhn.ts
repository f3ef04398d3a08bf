/**
 * The byte sequences of Markus Kuhn's UTF-8 decoder capability and stress test,
 * in the groups Autobahn's 6.x cases use, written out by hand from the file's
 * section headings (RFC 3629 decides valid or not).
 */
export interface Utf8Sample {
  group: string;
  title: string;
  bytes: number[];
  valid: boolean;
}

const h = (text: string): number[] => text.split(/\s+/).filter(Boolean).map((x) => parseInt(x, 16));
const s = (text: string): number[] => Array.from(Buffer.from(text, "utf8"));
const KOSME = "ce ba e1 bd b9 cf 83 ce bc ce b5";

function group(id: string, title: string, valid: boolean, items: [string, number[]][]): Utf8Sample[] {
  return items.map(([t, bytes]) => ({ group: id, title: `${title}: ${t}`, bytes, valid }));
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const lonely = (from: number, to: number): number[] => range(from, to).flatMap((b) => [b, 0x20]);

export const KUHN: Utf8Sample[] = [
  ...group("6.5", "Kuhn 1 some correct UTF-8 text", true, [["κόσμε", h(KOSME)]]),
  ...group("6.7", "Kuhn 2.1 first possible sequence of a certain length", true, [
    ["U+0000", h("00")], ["U+0080", h("c2 80")], ["U+0800", h("e0 a0 80")], ["U+10000", h("f0 90 80 80")],
  ]),
  ...group("6.8", "Kuhn 2.1 first possible 5- and 6-byte sequences", false, [
    ["5 bytes (U+200000)", h("f8 88 80 80 80")], ["6 bytes (U+4000000)", h("fc 84 80 80 80 80")],
  ]),
  ...group("6.9", "Kuhn 2.2 last possible sequence of a certain length", true, [
    ["U+007F", h("7f")], ["U+07FF", h("df bf")], ["U+FFFF", h("ef bf bf")], ["U+10FFFF", h("f4 8f bf bf")],
  ]),
  ...group("6.10", "Kuhn 2.2 last possible 4-, 5- and 6-byte sequences beyond U+10FFFF", false, [
    ["U+1FFFFF", h("f7 bf bf bf")], ["5 bytes (U+3FFFFFF)", h("fb bf bf bf bf")], ["6 bytes (U+7FFFFFFF)", h("fd bf bf bf bf bf")],
  ]),
  ...group("6.11", "Kuhn 2.3 other boundary conditions", true, [
    ["U+D7FF", h("ed 9f bf")], ["U+E000", h("ee 80 80")], ["U+FFFD", h("ef bf bd")], ["U+10FFFF", h("f4 8f bf bf")],
  ]),
  ...group("6.11", "Kuhn 2.3 other boundary conditions", false, [["U+110000", h("f4 90 80 80")]]),
  ...group("6.12", "Kuhn 3.1 unexpected continuation bytes", false, [
    ["80", h("80")], ["bf", h("bf")], ["80 bf", h("80 bf")], ["80 bf 80", h("80 bf 80")], ["80 bf 80 bf", h("80 bf 80 bf")],
    ["80 bf 80 bf 80", h("80 bf 80 bf 80")], ["80 bf 80 bf 80 bf", h("80 bf 80 bf 80 bf")], ["all 64 (80..bf)", range(0x80, 0xbf)],
  ]),
  ...group("6.13", "Kuhn 3.2 lonely start characters", false, [
    ["c0..df each followed by a space", lonely(0xc0, 0xdf)], ["e0..ef each followed by a space", lonely(0xe0, 0xef)],
    ["f0..f7 each followed by a space", lonely(0xf0, 0xf7)], ["f8..fb each followed by a space", lonely(0xf8, 0xfb)],
    ["fc, fd each followed by a space", lonely(0xfc, 0xfd)],
  ]),
  ...group("6.14", "Kuhn 3.3 sequences with the last continuation byte missing", false, [
    ["2-byte U+0000", h("c0")], ["3-byte U+0000", h("e0 80")], ["4-byte U+0000", h("f0 80 80")], ["5-byte U+0000", h("f8 80 80 80")],
    ["6-byte U+0000", h("fc 80 80 80 80")], ["2-byte U+07FF", h("df")], ["3-byte U+FFFF", h("ef bf")], ["4-byte U+1FFFFF", h("f7 bf bf")],
    ["5-byte U+3FFFFFF", h("fb bf bf bf")], ["6-byte U+7FFFFFFF", h("fd bf bf bf bf")],
  ]),
  ...group("6.15", "Kuhn 3.4 concatenation of incomplete sequences", false, [
    ["all ten of 3.3", h("c0 e0 80 f0 80 80 f8 80 80 80 fc 80 80 80 80 df ef bf f7 bf bf fb bf bf bf fd bf bf bf bf")],
  ]),
  ...group("6.16", "Kuhn 3.5 impossible bytes", false, [["fe", h("fe")], ["ff", h("ff")], ["fe fe ff ff", h("fe fe ff ff")]]),
  ...group("6.17", "Kuhn 4.1 overlong ASCII '/'", false, [
    ["c0 af", h("c0 af")], ["e0 80 af", h("e0 80 af")], ["f0 80 80 af", h("f0 80 80 af")], ["f8 80 80 80 af", h("f8 80 80 80 af")],
    ["fc 80 80 80 80 af", h("fc 80 80 80 80 af")],
  ]),
  ...group("6.18", "Kuhn 4.2 maximum overlong sequences", false, [
    ["U+007F as 2 bytes", h("c1 bf")], ["U+07FF as 3 bytes", h("e0 9f bf")], ["U+FFFF as 4 bytes", h("f0 8f bf bf")],
    ["U+1FFFFF as 5 bytes", h("f8 87 bf bf bf")], ["U+3FFFFFF as 6 bytes", h("fc 83 bf bf bf bf")],
  ]),
  ...group("6.19", "Kuhn 4.3 overlong NUL", false, [
    ["c0 80", h("c0 80")], ["e0 80 80", h("e0 80 80")], ["f0 80 80 80", h("f0 80 80 80")], ["f8 80 80 80 80", h("f8 80 80 80 80")],
    ["fc 80 80 80 80 80", h("fc 80 80 80 80 80")],
  ]),
  ...group("6.20", "Kuhn 5.1 single UTF-16 surrogates", false, [
    ["U+D800", h("ed a0 80")], ["U+DB7F", h("ed ad bf")], ["U+DB80", h("ed ae 80")], ["U+DBFF", h("ed af bf")],
    ["U+DC00", h("ed b0 80")], ["U+DF80", h("ed be 80")], ["U+DFFF", h("ed bf bf")],
  ]),
  ...group("6.21", "Kuhn 5.2 paired UTF-16 surrogates", false, [
    ["U+D800 U+DC00", h("ed a0 80 ed b0 80")], ["U+D800 U+DFFF", h("ed a0 80 ed bf bf")], ["U+DB7F U+DC00", h("ed ad bf ed b0 80")],
    ["U+DB7F U+DFFF", h("ed ad bf ed bf bf")], ["U+DB80 U+DC00", h("ed ae 80 ed b0 80")], ["U+DB80 U+DFFF", h("ed ae 80 ed bf bf")],
    ["U+DBFF U+DC00", h("ed af bf ed b0 80")], ["U+DBFF U+DFFF", h("ed af bf ed bf bf")],
  ]),
  // Noncharacters are valid UTF-8 (Unicode corrigendum 9): every plane's FFFE/FFFF, and U+FDD0..U+FDEF.
  ...group("6.22", "Kuhn 5.3 noncharacters", true, [
    ...range(0, 16).flatMap((plane): [string, number[]][] => [0xfffe, 0xffff].map((low): [string, number[]] => {
      const cp = plane * 0x10000 + low;
      return [`U+${cp.toString(16).toUpperCase()}`, s(String.fromCodePoint(cp))];
    })),
    ["U+FDD0..U+FDEF", s(String.fromCodePoint(...range(0xfdd0, 0xfdef)))],
  ]),
  ...group("6.23", "specials and replacement characters", true, [
    ["U+FFFD", h("ef bf bd")], ["U+FFF9..U+FFFC", s("\ufff9\ufffa\ufffb\ufffc")], ["κόσμε + U+FFFD + edited", [...h(KOSME), ...h("ef bf bd"), ...s("edited")]],
  ]),
  ...group("6.3", "invalid text in valid context", false, [["κόσμε ed a0 80 edited", [...h(KOSME), ...h("ed a0 80"), ...s("edited")]]]),
];

/**
 * Index of the first byte after which the sequence can no longer become valid
 * UTF-8, found with the platform's WHATWG decoder (an oracle independent of
 * modules/core); -1 when every prefix is a valid prefix (the sequence may still end inside a character).
 */
export function firstInvalidByte(bytes: readonly number[]): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < bytes.length; i++) {
    try { decoder.decode(new Uint8Array([bytes[i]]), { stream: true }); } catch { return i; }
  }
  return -1;
}
