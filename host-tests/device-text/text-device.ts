/**
 * Device side of the text cost measurements (host-tests/device-text and
 * bench/xs/text.mjs): UTF-8 encoding, decoding and byte length as the device
 * runs them, on the XS engine. The parent evaluates `textDevice.run(...)` as a
 * delivery of its own, so xsnap's meter and the worker's CPU time cover that
 * work alone.
 */
import { decodeUtf8, encodeUtf8, utf8Length } from "../../modules/core/utf8";
import { moddableDecodeUtf8, moddableEncodeUtf8 } from "../../modules/platform/moddable";
import { createModdablePlatform } from "../../modules/platform/moddable";
import type { Platform } from "../../modules/platform/platform";
import { expose } from "../../simulator/shims/expose";
import { installTextShims, removeTextShims, textShimCalls } from "../../simulator/shims/text";

export type TextKind = "ascii" | "mixed";
export type TextNatives = "all" | "no-isWellFormed" | "none";
export type TextOp =
  | "encode-fallback" | "decode-fallback" | "length-fallback"
  | "encode-platform" | "decode-platform"
  | "encode-indexed";

// 1-, 2-, 3- and 4-byte characters, a mix a text-heavy app could send; 64 bytes of UTF-8 each.
const PIECES: Readonly<Record<TextKind, string>> = Object.freeze({
  ascii: "The quick brown fox jumps over the lazy dog; 0123456789 ABCDEFG.",
  mixed: "Grüße, κόσμε — €5 😀 日本語のテキスト; ok!.",
});

/**
 * The encoder this project had before (an indexed walk with charCodeAt), kept
 * as the reference the measurements compare against: on XS each charCodeAt(i)
 * and each text.length scans the string from its start.
 */
function indexedEncode(text: string): Uint8Array {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  const out = new Uint8Array(n);
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

interface State {
  text: string;
  bytes: Uint8Array;
}
const state: State = { text: "", bytes: new Uint8Array(0) };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const device = {
  /** Make the text under test: `bytes` of UTF-8 (a multiple of 64), built without quadratic work. */
  make(bytes: number, kind: TextKind): number {
    const pieces: string[] = [];
    for (let n = 0; n < bytes; n += 64) pieces.push(PIECES[kind]);
    state.text = pieces.join("");
    state.bytes = encodeUtf8(state.text);
    // Every path must give the same bytes and the same text back.
    if (!sameBytes(state.bytes, moddableEncodeUtf8(state.text))) throw new Error("platform encoding differs");
    if (!sameBytes(state.bytes, new TextEncoder().encode(state.text))) throw new Error("fallback encoding differs from xsnap's TextEncoder");
    if (decodeUtf8(state.bytes) !== state.text || moddableDecodeUtf8(state.bytes) !== state.text) throw new Error("decoding differs");
    if (utf8Length(state.text) !== state.bytes.length) throw new Error("utf8Length differs");
    return state.bytes.length;
  },

  /** Run `op` `reps` times over the current text; returns the bytes handled (so nothing is optimised away). */
  run(op: TextOp, reps: number): number {
    let total = 0;
    const { text, bytes } = state;
    for (let r = 0; r < reps; r++) {
      switch (op) {
        case "encode-fallback": total += encodeUtf8(text).length; break;
        case "decode-fallback": total += decodeUtf8(bytes).length; break;
        case "length-fallback": total += utf8Length(text); break;
        case "encode-platform": total += moddableEncodeUtf8(text).length; break;
        case "decode-platform": total += moddableDecodeUtf8(bytes).length; break;
        case "encode-indexed": total += indexedEncode(text).length; break;
        default: throw new Error(`unknown op ${String(op)}`);
      }
    }
    return total;
  },

  /**
   * What the worker has of Moddable's text natives: "all" (SDK 8.2.3), "no-isWellFormed" (an SDK
   * before 4.5), "none" (the fallback path, as on xsnap without the shims).
   */
  natives(which: TextNatives): void {
    installTextShims();
    if (which === "none") removeTextShims("all");
    else if (which === "no-isWellFormed") removeTextShims("isWellFormed");
  },

  shimCalls(): { fromString: number; fromArrayBuffer: number; isWellFormed: number } {
    return { ...textShimCalls };
  },
};

(globalThis as { textDevice?: typeof device }).textDevice = device;

/** Code points of a string, walked once (the parent compares them with its own). */
function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0) as number);
  return out;
}

let platform: Platform | undefined;

expose("natives", (args) => {
  device.natives(args[0] as TextNatives);
  return device.shimCalls();
});
/** A platform made now, under whatever natives the worker has now (as a preloaded device entry makes it at build time). */
expose("makePlatform", () => {
  platform = createModdablePlatform({ randomFill: () => undefined });
  return true;
});
/** Encode with one path; the bytes come back as the call's body. */
expose("encode", (args) => {
  const [path, text] = args as ["platform" | "made-platform" | "fallback", string];
  if (path === "fallback") return encodeUtf8(text);
  if (path === "made-platform") return platform!.encodeUtf8!(text);
  return moddableEncodeUtf8(text);
});
/** Decode bytes with one path: the string's code points, and its length. */
expose("decode", (args, body) => {
  const [path] = args as ["platform" | "made-platform" | "fallback"];
  const bytes = body ?? new Uint8Array(0);
  const text = path === "fallback" ? decodeUtf8(bytes) : path === "made-platform" ? platform!.decodeUtf8!(bytes) : moddableDecodeUtf8(bytes);
  return { codePoints: codePoints(text), length: text.length };
});
expose("length", (args) => utf8Length(args[0] as string));
