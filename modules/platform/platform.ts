/**
 * What the client needs from its host besides a transport: a clock, timers and
 * randomness (RFC 6455 masking keys and Sec-WebSocket-Key). The core never
 * touches these; the client layer gets them through this seam so tests can
 * drive time by hand.
 */
import type { FrameAllocator } from "../core/frame";
import type { CompressionProvider } from "../core/extensions/compression";

export type TimerHandle = unknown;

export interface Platform {
  /** Milliseconds from an arbitrary origin; only differences matter. */
  now(): number;
  setTimer(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Fill `bytes` with unpredictable values (masking keys must not be guessable). */
  randomFill(bytes: Uint8Array): void;
  /** Optional native UTF-8 decoding of bytes the core has already validated. */
  decodeUtf8?(bytes: Uint8Array): string;
  /** Optional native check that bytes are whole, valid UTF-8 (speeds up text validation). */
  isUtf8?(bytes: Uint8Array): boolean;
  /** Optional native UTF-8 encoding. */
  encodeUtf8?(text: string): Uint8Array;
  /**
   * Optional memory for small outgoing frames (Node: cut from a shared slab);
   * absent, each frame gets its own ArrayBuffer, which is what XS wants.
   */
  allocateFrame?: FrameAllocator;
  /** Raw DEFLATE for permessage-deflate (RFC 7692); without it the extension cannot be offered. */
  compression?: CompressionProvider;
  /**
   * Debug log (Node: NODE_DEBUG=websocket; device: config.websocket.debug, through trace). Absent unless
   * switched on, and callers test for it before they build a line, so logging off costs one property read.
   */
  debug?(line: string): void;
}
