/**
 * Text a peer sent (a status line, a header, a request line, a close reason)
 * is cited in error messages only through `quotePeer`: an app that logs
 * errors must not let a server forge log lines or send terminal escapes.
 */

/** Longest stretch of peer text an error message cites. */
export const PEER_TEXT_MAX = 80;

/**
 * `text` in double quotes, cut to `max` characters (then followed by "…"),
 * with every control character (C0, DEL, C1), line and paragraph separators,
 * bidi and other invisible format characters, the quote and the backslash
 * written as escapes (\n, \r, \t, \xNN, \uNNNN). Errors only: never on a hot path.
 */
export function quotePeer(text: string, max: number = PEER_TEXT_MAX): string {
  let out = '"';
  let units = 0;
  // One pass by code point (XS keeps strings as UTF-8: indexing would rescan); a pair is never cut in half.
  for (const ch of text) {
    units += ch.length;
    if (units > max) return out + '"…';
    const c = ch.codePointAt(0) as number;
    out += needsEscape(c) ? escape(c) : ch;
  }
  return out + '"';
}

/** `c` is a code point; a surrogate here is a lone one (a pair comes as one code point), which cannot be printed. */
function needsEscape(c: number): boolean {
  if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0x7f && c < 0xa0)) return true;
  if (c < 0x200b) return c === 0xad || c === 0x61c || c === 0x180e;
  // Zero-width, bidi marks and embeddings, line/paragraph separators, bidi isolates, BOM.
  if (c <= 0x200f || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c === 0xfeff) return true;
  return c >= 0xd800 && c <= 0xdfff;
}

function escape(c: number): string {
  if (c === 0x0a) return "\\n";
  if (c === 0x0d) return "\\r";
  if (c === 0x09) return "\\t";
  if (c === 0x22) return '\\"';
  if (c === 0x5c) return "\\\\";
  const hex = c.toString(16);
  return c < 0x100 ? "\\x" + (hex.length < 2 ? "0" + hex : hex) : "\\u" + "0000".slice(hex.length) + hex;
}
