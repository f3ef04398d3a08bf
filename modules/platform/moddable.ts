/**
 * Platform over Moddable's runtime: `timer` for timers, `time` ticks for the
 * clock, and Math.random for randomness. On ESP32, XS implements Math.random
 * with esp_random(), the hardware RNG (true random while Wi-Fi or Bluetooth
 * runs), one 32-bit draw per call; that is what masking keys need. Other
 * Moddable hosts back Math.random with a weaker rand(), so everything here is
 * injectable (the XS simulator supplies the Node parent's crypto RNG).
 */
import Timer from "timer";
import Time from "time";
import { decodeUtf8, encodeUtf8 } from "../core/utf8";
import type { CompressionProvider } from "../core/extensions/compression";
import type { Platform, TimerHandle } from "./platform";
import { runTimeSlot } from "./run-time-state";

export interface ModdablePlatformOptions {
  /** Fill bytes with unpredictable values (default: 32-bit draws from Math.random). */
  randomFill?: (bytes: Uint8Array) => void;
  /** Milliseconds, only differences matter (default: Time.ticks, unwrapped past 2^32). */
  now?: () => number;
  /**
   * Raw DEFLATE for permessage-deflate (moddable-zlib.ts over the SDK's `inflate`); absent: compression cannot be
   * offered.
   */
  compression?: CompressionProvider;
}

const TWO_32 = 0x100000000;
const TWO_31 = 0x80000000;

/**
 * Moddable's Timer.clear throws ("invalid timer") for a one-shot timer that
 * already fired or was cleared before; the box remembers which is live.
 */
interface TimerBox {
  timer: Timer | undefined;
}

/** Four bytes per Math.random() call: XS on ESP32 divides a 32-bit esp_random() by 2^32 - 1. */
export function mathRandomFill(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    let word = Math.floor(Math.random() * TWO_32) >>> 0;
    for (let j = i; j < i + 4 && j < bytes.length; j++) {
      bytes[j] = word & 0xff;
      word >>>= 8;
    }
  }
}

/**
 * Time.ticks is a 32-bit millisecond counter on an ESP32 (read as a signed
 * integer: it wraps every 49.7 days and turns negative halfway): count its
 * wrap-arounds. A step back smaller than half the range is not a wrap (on
 * Moddable's simulator the ticks are the wall clock, which can be set back).
 * The count is run-time state, shared by every platform: the platform itself
 * is made while modules preload.
 */
export function ticksNow(): number {
  const clock = runTimeSlot("ticks", () => ({ last: 0, wraps: 0 }));
  const ticks = Time.ticks;
  if (clock.last - ticks > TWO_31) clock.wraps++;
  clock.last = ticks;
  return clock.wraps * TWO_32 + ticks;
}

export function createModdablePlatform(options: ModdablePlatformOptions = {}): Platform {
  const randomFill = options.randomFill ?? mathRandomFill;
  const now = options.now ?? ticksNow;
  const compression = options.compression;
  // Frozen, and its functions keep only consts: a device entry makes its platform while modules preload.
  return Object.freeze({
    now,
    setTimer(callback: () => void, ms: number): TimerHandle {
      const handle: TimerBox = { timer: undefined };
      handle.timer = Timer.set(() => {
        handle.timer = undefined;
        callback();
      }, ms);
      return handle;
    },
    clearTimer(handle: TimerHandle): void {
      const box = handle as TimerBox | undefined;
      if (!box || box.timer === undefined) return;
      Timer.clear(box.timer);
      box.timer = undefined;
    },
    randomFill,
    decodeUtf8: moddableDecodeUtf8,
    encodeUtf8: moddableEncodeUtf8,
    compression,
  });
}

/*
 * Text through what every Moddable build has: XS keeps a string as UTF-8, so
 * ArrayBuffer.fromString copies its bytes and String.fromArrayBuffer copies
 * bytes into a string, both native and linear. Looked up at each call, not when
 * the platform is made: a device entry makes its platform while modules
 * preload, at build time, where no app globals exist yet. Where they are
 * missing (XS builds with CESU-8 strings, such as xsnap) the linear
 * pure-TypeScript codecs of core/utf8.ts run instead.
 */
interface XsArrayBufferStatics {
  fromString?(text: string): ArrayBuffer;
}
interface WellFormed {
  isWellFormed?(): boolean;
}
interface XsStringStatics {
  fromArrayBuffer?(buffer: ArrayBufferLike, byteOffset?: number, byteLength?: number): string;
}

/** UTF-8 of a string, lone surrogates as U+FFFD (as WHATWG encoders do). */
export function moddableEncodeUtf8(text: string): Uint8Array {
  const statics = ArrayBuffer as unknown as XsArrayBufferStatics;
  if (typeof statics.fromString !== "function") return encodeUtf8(text);
  // XS writes a surrogate it holds alone (a lone one, or a pair built by concatenation) as
  // ED A0..BF xx, which is not UTF-8: such text takes the walk that writes U+FFFD or the pair.
  const wellFormed = (text as WellFormed).isWellFormed; // native since SDK 4.5
  if (typeof wellFormed === "function")
    return wellFormed.call(text) ? new Uint8Array(statics.fromString(text)) : encodeUtf8(text);
  const bytes = new Uint8Array(statics.fromString(text));
  // ED is only ever a lead byte, so a search for it finds every candidate.
  for (let at = bytes.indexOf(0xed); at >= 0; at = bytes.indexOf(0xed, at + 3)) {
    if (bytes[at + 1] >= 0xa0) return encodeUtf8(text);
  }
  return bytes;
}

/**
 * A string from bytes the core has already checked (strict UTF-8: every text
 * message, close reason and fibjs text goes through the validator first).
 * String.fromArrayBuffer checks only the shape of each sequence, which valid
 * bytes always pass; it keeps a leading U+FEFF, as a WebSocket message must.
 */
export function moddableDecodeUtf8(bytes: Uint8Array): string {
  const statics = String as unknown as XsStringStatics;
  if (typeof statics.fromArrayBuffer !== "function") return decodeUtf8(bytes);
  return statics.fromArrayBuffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
