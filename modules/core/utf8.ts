/**
 * Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above
 * U+10FFFF. The validator is incremental so a text message split across
 * frames and reads is checked as it arrives and fails at the first bad byte.
 */

// States: 0 accept; 1-3 need that many continuation bytes (80..BF);
// 4 after E0 (A0..BF); 5 after ED (80..9F); 6 after F0 (90..BF); 7 after F4 (80..8F).
const REJECT = -1;

export class Utf8Validator {
  state = 0;

  /**
   * Check bytes[start..end). Returns -1 when all are valid so far, or the
   * index of the first byte that makes the sequence invalid.
   */
  update(bytes: Uint8Array, start = 0, end = bytes.length): number {
    let s = this.state;
    let i = start;
    while (i < end) {
      const b = bytes[i];
      if (s === 0) {
        if (b < 0x80) { i++; continue; }
        if (b >= 0xc2 && b <= 0xdf) s = 1;
        else if (b === 0xe0) s = 4;
        else if (b === 0xed) s = 5;
        else if (b >= 0xe1 && b <= 0xef) s = 2;
        else if (b === 0xf0) s = 6;
        else if (b >= 0xf1 && b <= 0xf3) s = 3;
        else if (b === 0xf4) s = 7;
        else s = REJECT;
      } else if (s <= 3) {
        s = b >= 0x80 && b <= 0xbf ? s - 1 : REJECT;
      } else if (s === 4) {
        s = b >= 0xa0 && b <= 0xbf ? 1 : REJECT;
      } else if (s === 5) {
        s = b >= 0x80 && b <= 0x9f ? 1 : REJECT;
      } else if (s === 6) {
        s = b >= 0x90 && b <= 0xbf ? 2 : REJECT;
      } else {
        s = b >= 0x80 && b <= 0x8f ? 2 : REJECT;
      }
      if (s === REJECT) { this.state = 0; return i; }
      i++;
    }
    this.state = s;
    return -1;
  }

  /** True when the bytes seen so far end on a character boundary. */
  get complete(): boolean {
    return this.state === 0;
  }

  reset(): void {
    this.state = 0;
  }
}

/** Below this many bytes the JS validator is as quick as a native call. */
const NATIVE_THRESHOLD = 64;

/**
 * validator.update(bytes) with a native checker for the piece's whole
 * characters: the same verdict and the same failing index, because on a
 * native "no" the JS validator runs again to find the first bad byte.
 */
export function validateUtf8Piece(validator: Utf8Validator, bytes: Uint8Array,
  wholeCheck: ((bytes: Uint8Array) => boolean) | undefined): number {
  // Not named `native`: xsc reads any call `native(...)` as its own native("symbol") form and fails the build.
  if (!wholeCheck || bytes.length < NATIVE_THRESHOLD) return validator.update(bytes);
  let start = 0;
  // Finish a character the previous piece left open (at most 3 bytes).
  while (!validator.complete && start < bytes.length) {
    const bad = validator.update(bytes, start, start + 1);
    if (bad >= 0) return bad;
    start++;
  }
  const end = bytes.length - incompleteTail(bytes);
  // The usual piece holds whole characters only: checked as it is, without a view.
  const whole = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
  if (end > start && !wholeCheck(whole)) return validator.update(bytes, start, bytes.length);
  return validator.update(bytes, end, bytes.length);
}

/** True when the whole of bytes is valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const v = new Utf8Validator();
  return v.update(bytes) < 0 && v.complete;
}

/** Number of bytes at the end of `bytes` that start a character not yet complete (bytes assumed valid so far). */
export function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (b < 0x80) return 0;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return need > back ? back : 0;
  }
  return 0;
}

/** UTF-8 byte length of a string without encoding it (lone surrogates count as U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { length += 4; i++; }
    else length += 3;
  }
  return length;
}

/** Encode a string as UTF-8; lone surrogates become U+FFFD as WHATWG encoders do. */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text));
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) { out[o++] = c; continue; }
    if (c < 0x800) { out[o++] = 0xc0 | (c >> 6); out[o++] = 0x80 | (c & 63); continue; }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[o++] = 0xf0 | (c >> 18); out[o++] = 0x80 | ((c >> 12) & 63);
        out[o++] = 0x80 | ((c >> 6) & 63); out[o++] = 0x80 | (c & 63);
        continue;
      }
      c = 0xfffd;
    }
    out[o++] = 0xe0 | (c >> 12); out[o++] = 0x80 | ((c >> 6) & 63); out[o++] = 0x80 | (c & 63);
  }
  return out;
}

/**
 * Code units per String.fromCharCode.apply: each argument takes a slot of the
 * XS stack, which Moddable apps size at 512 slots (examples/manifest_base.json),
 * shared with every frame below the call.
 */
export const APPLY_CHUNK = 128;

/** Decode bytes already known to be valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  let out = "";
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    let cp: number;
    if (b < 0x80) { cp = b; i += 1; }
    else if (b < 0xe0) { cp = ((b & 31) << 6) | (bytes[i + 1] & 63); i += 2; }
    else if (b < 0xf0) { cp = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63); i += 3; }
    else {
      cp = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63);
      i += 4;
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10));
      cp = 0xdc00 + (cp & 0x3ff);
    }
    units.push(cp);
    if (units.length >= APPLY_CHUNK) { out += String.fromCharCode.apply(null, units); units.length = 0; }
  }
  if (units.length) out += String.fromCharCode.apply(null, units);
  return out;
}
