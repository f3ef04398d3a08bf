/*
 * Base64 (RFC 4648) for the handshake's keys. Characters come from arithmetic
 * and the text is walked once: on XS `ALPHABET[i]` and `text[i]` scan a
 * UTF-8 string from its start, and `out +=` copies everything so far.
 */
import { latin1 } from "./http-head";

/** ASCII code of base64 digit `v` (0-63). */
function digit(v: number): number {
  return v < 26 ? 65 + v : v < 52 ? 71 + v : v < 62 ? v - 4 : v === 62 ? 0x2b : 0x2f;
}

/** Value of the base64 digit with ASCII code `c`, or -1. */
function value(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  return c === 0x2b ? 62 : c === 0x2f ? 63 : -1;
}

export function base64Encode(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = digit(n >> 18);
    out[o++] = digit((n >> 12) & 63);
    out[o++] = digit((n >> 6) & 63);
    out[o++] = digit(n & 63);
  }
  const left = bytes.length - i;
  if (left > 0) {
    const n = (bytes[i] << 16) | (left === 2 ? bytes[i + 1] << 8 : 0);
    out[o++] = digit(n >> 18);
    out[o++] = digit((n >> 12) & 63);
    out[o++] = left === 2 ? digit((n >> 6) & 63) : 0x3d;
    out[o++] = 0x3d; // =
  }
  return latin1(out, 0, out.length);
}

/** Strict base64 decoding (padding required); undefined when the text is not base64. */
export function base64Decode(text: string): Uint8Array | undefined {
  const length = text.length;
  if (length % 4 !== 0) return undefined;
  let pad = 0;
  if (text.endsWith("==")) pad = 2;
  else if (text.endsWith("=")) pad = 1;
  const out = new Uint8Array((length / 4) * 3 - pad);
  let o = 0;
  let at = 0;
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    let v = value(c);
    if (c === 0x3d && at >= length - pad)
      v = 0; // = only as the final padding
    else if (v < 0) return undefined;
    n = (n << 6) | v;
    if ((++at & 3) === 0) {
      if (o < out.length) out[o++] = (n >> 16) & 255;
      if (o < out.length) out[o++] = (n >> 8) & 255;
      if (o < out.length) out[o++] = n & 255;
      n = 0;
    }
  }
  return out;
}
