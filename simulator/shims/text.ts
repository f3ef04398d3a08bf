/**
 * ArrayBuffer.fromString and String.fromArrayBuffer, which every Moddable
 * build has and xsnap lacks (xsnap keeps strings as CESU-8 and leaves them
 * out). They behave as Moddable's do (SDK 8.2.3, xs/sources/xsDataView.c
 * fx_ArrayBuffer_fromString and xs/sources/xsString.c fx_String_fromArrayBuffer),
 * through xsnap's native TextEncoder/TextDecoder:
 * - fromString(text): the string's own bytes. A device stores a character
 *   above U+FFFF as 4 bytes and a surrogate it holds alone as 3 (ED A0..BF xx,
 *   not UTF-8); U+0000 as 00. xsnap's TextEncoder gives exactly that for the
 *   same characters (a pair as 4 bytes, a lone surrogate as its 3 raw bytes).
 *   Moddable copies a pair built by concatenation as two 3-byte surrogates;
 *   xsnap cannot tell such a pair apart and gives 4 bytes.
 * - fromArrayBuffer(buffer, byteOffset?, byteLength?): a string of those bytes;
 *   TypeError "invalid UTF-8" when a sequence is malformed, RangeError for an
 *   offset or length outside the buffer. A leading U+FEFF is kept. Moddable
 *   checks only the shape of each sequence (lead byte and continuation bytes)
 *   and accepts overlongs and surrogates; this shim refuses them too (xsnap's
 *   fatal TextDecoder), which only matters for bytes that are not UTF-8.
 * - String.prototype.isWellFormed (ES2024; native in XS since SDK 4.5, missing
 *   from xsnap's older XS): false when the string holds a surrogate on its own.
 * Installed by the prelude; a test can delete them to run the other paths.
 */

interface XsArrayBufferStatics {
  fromString?(text: string): ArrayBuffer;
}
interface XsStringStatics {
  fromArrayBuffer?(buffer: ArrayBufferLike, byteOffset?: number, byteLength?: number): string;
}

/** Shim calls made so far, so a test can tell which path the device code took. */
export const textShimCalls = { fromString: 0, fromArrayBuffer: 0, isWellFormed: 0 };

function byteArg(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = Math.trunc(Number(value));
  if (!(n >= 0)) throw new RangeError(`invalid ${what} ${String(value)}`);
  return n;
}

export function installTextShims(): void {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  Object.defineProperty(ArrayBuffer, "fromString", {
    configurable: true,
    writable: true,
    value: function fromString(text: unknown): ArrayBuffer {
      if (arguments.length < 1) throw new TypeError("no argument");
      textShimCalls.fromString++;
      const bytes = encoder.encode(String(text));
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer as ArrayBuffer : bytes.slice().buffer;
    },
  } satisfies PropertyDescriptor & { value: XsArrayBufferStatics["fromString"] });
  Object.defineProperty(String, "fromArrayBuffer", {
    configurable: true,
    writable: true,
    value: function fromArrayBuffer(buffer: unknown, byteOffset?: unknown, byteLength?: unknown): string {
      if (arguments.length < 1) throw new TypeError("no argument");
      if (!(buffer instanceof ArrayBuffer) && !(typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer)) {
        throw new TypeError("argument: not an ArrayBuffer instance");
      }
      textShimCalls.fromArrayBuffer++;
      const limit = buffer.byteLength;
      const offset = byteArg(byteOffset, 0, "byteOffset");
      if (offset > limit) throw new RangeError(`invalid byteOffset ${offset}`);
      const length = byteArg(byteLength, limit - offset, "byteLength");
      if (offset + length > limit) throw new RangeError(`invalid byteLength ${length}`);
      try {
        return decoder.decode(new Uint8Array(buffer, offset, length));
      } catch {
        throw new TypeError("invalid UTF-8");
      }
    },
  } satisfies PropertyDescriptor & { value: XsStringStatics["fromArrayBuffer"] });
  const loneSurrogate = /[\uD800-\uDFFF]/u; // with the u flag a pair is one character, as in isWellFormed
  Object.defineProperty(String.prototype, "isWellFormed", {
    configurable: true,
    writable: true,
    value: function isWellFormed(this: unknown): boolean {
      textShimCalls.isWellFormed++;
      return !loneSurrogate.test(String(this));
    },
  });
}

/** Take the shims away again: all of them, or only isWellFormed (an SDK before 4.5). */
export function removeTextShims(which: "all" | "isWellFormed" = "all"): void {
  delete (String.prototype as { isWellFormed?: unknown }).isWellFormed;
  if (which === "isWellFormed") return;
  delete (ArrayBuffer as XsArrayBufferStatics).fromString;
  delete (String as XsStringStatics).fromArrayBuffer;
}
