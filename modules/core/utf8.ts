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
        if (b < 0x80) {
          i++;
          continue;
        }
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
      if (s === REJECT) {
        this.state = 0;
        return i;
      }
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
export function validateUtf8Piece(
  validator: Utf8Validator,
  bytes: Uint8Array,
  wholeCheck: ((bytes: Uint8Array) => boolean) | undefined,
): number {
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

/*
 * The string walks below visit each character once with for…of. On XS a string
 * is stored as UTF-8, so `text.charCodeAt(i)` (and `text.length`) scan it from
 * the start every time: an indexed loop is quadratic there (a 60,000-character
 * message took 33–51 s to encode in Moddable's simulator). XS's string iterator
 * keeps its byte position. A Moddable device yields the two halves of a pair
 * stored as surrogates (built by concatenation) one at a time, where other
 * engines yield the pair as one character, so a high surrogate waits for the
 * next character before it is written.
 */

/** UTF-8 byte length of a string without encoding it (lone surrogates count as U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  let length = 0;
  let high = false; // the previous character was a high surrogate, counted as 3 bytes
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c < 0xd800 || c > 0xdfff) length += c > 0xffff ? 4 : 3;
    else if (high && c >= 0xdc00) {
      length += 1;
      high = false;
      continue;
    } // with its high half: 4 bytes
    else length += 3;
    high = c >= 0xd800 && c <= 0xdbff;
  }
  return length;
}

/** Encode a string as UTF-8; lone surrogates become U+FFFD as WHATWG encoders do. */
export function encodeUtf8(text: string): Uint8Array {
  // One byte per character fits ASCII exactly; anything else grows the buffer (at most log n copies).
  let out: Uint8Array = new Uint8Array(text.length);
  let o = 0;
  let highAt = -1; // where a high surrogate was written as U+FFFD, until its low half shows up
  let high = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (o + 4 > out.length) out = grow(out, o + 4);
    if (c < 0x80) {
      out[o++] = c;
      highAt = -1;
      continue;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
      highAt = -1;
      continue;
    }
    if (c > 0xffff) {
      o = put4(out, o, c);
      highAt = -1;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff && highAt >= 0) {
      o = put4(out, highAt, 0x10000 + ((high - 0xd800) << 10) + (c - 0xdc00));
      highAt = -1;
      continue;
    }
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    highAt = isHigh ? o : -1;
    high = c;
    const unit = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
    out[o++] = 0xe0 | (unit >> 12);
    out[o++] = 0x80 | ((unit >> 6) & 63);
    out[o++] = 0x80 | (unit & 63);
  }
  return o === out.length ? out : out.slice(0, o);
}

function grow(bytes: Uint8Array, atLeast: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(atLeast, bytes.length * 2));
  bigger.set(bytes);
  return bigger;
}

function put4(out: Uint8Array, o: number, c: number): number {
  out[o] = 0xf0 | (c >> 18);
  out[o + 1] = 0x80 | ((c >> 12) & 63);
  out[o + 2] = 0x80 | ((c >> 6) & 63);
  out[o + 3] = 0x80 | (c & 63);
  return o + 4;
}

/**
 * Code units per String.fromCharCode.apply: each argument takes a slot of the
 * XS stack, which Moddable apps size at 512 slots (examples/manifest_base.json),
 * shared with every frame below the call.
 */
export const APPLY_CHUNK = 128;

/**
 * Decode bytes already known to be valid UTF-8. The pieces are joined once at
 * the end: `out += piece` would copy everything decoded so far at each piece.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  const pieces: string[] = [];
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    let cp: number;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else if (b < 0xe0) {
      cp = ((b & 31) << 6) | (bytes[i + 1] & 63);
      i += 2;
    } else if (b < 0xf0) {
      cp = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63);
      i += 3;
    } else {
      cp = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63);
      i += 4;
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10)); // a pair never straddles two pieces: XS joins it only within one call
      cp = 0xdc00 + (cp & 0x3ff);
    }
    units.push(cp);
    if (units.length >= APPLY_CHUNK) {
      pieces.push(String.fromCharCode.apply(null, units));
      units.length = 0;
    }
  }
  if (units.length) pieces.push(String.fromCharCode.apply(null, units));
  return pieces.length === 1 ? pieces[0] : pieces.join("");
}
