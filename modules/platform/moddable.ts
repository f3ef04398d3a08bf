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
import type { CompressionProvider } from "./compression";
import type { Platform, TimerHandle } from "./platform";

export interface ModdablePlatformOptions {
  /** Fill bytes with unpredictable values (default: 32-bit draws from Math.random). */
  randomFill?: (bytes: Uint8Array) => void;
  /** Milliseconds, only differences matter (default: Time.ticks, unwrapped past 2^32). */
  now?: () => number;
  /** Raw DEFLATE for permessage-deflate (moddable-zlib.ts over the SDK's `inflate`); absent: compression cannot be offered. */
  compression?: CompressionProvider;
}

const TWO_32 = 0x100000000;

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

/** Time.ticks is a 32-bit millisecond counter on devices: count its wrap-arounds. */
function ticksClock(): () => number {
  let last = 0;
  let wraps = 0;
  return () => {
    const ticks = Time.ticks;
    if (ticks < last) wraps++;
    last = ticks;
    return wraps * TWO_32 + ticks;
  };
}

export function createModdablePlatform(options: ModdablePlatformOptions = {}): Platform {
  const randomFill = options.randomFill ?? mathRandomFill;
  const now = options.now ?? ticksClock();
  return {
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
    decodeUtf8: textDecoder(),
    encodeUtf8: textEncoder(),
    compression: options.compression,
  };
}

// Moddable builds may include TextDecoder/TextEncoder (modules/data/text); use them when present.
interface TextCodecs {
  TextDecoder?: new () => { decode(bytes: Uint8Array): string };
  TextEncoder?: new () => { encode(text: string): Uint8Array };
}
const codecs = globalThis as unknown as TextCodecs;

function textDecoder(): ((bytes: Uint8Array) => string) | undefined {
  if (typeof codecs.TextDecoder !== "function") return undefined;
  const decoder = new codecs.TextDecoder();
  return (bytes) => decoder.decode(bytes);
}

function textEncoder(): ((text: string) => Uint8Array) | undefined {
  if (typeof codecs.TextEncoder !== "function") return undefined;
  const encoder = new codecs.TextEncoder();
  return (text) => encoder.encode(text);
}
