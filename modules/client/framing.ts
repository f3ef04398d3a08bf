/**
 * The framing settings an endpoint hands its connection. Connections made
 * with the same platform and limits share one frozen object, and one
 * masking-key function, instead of a copy each: on XS an object costs a slot
 * per field and a closure about ten (the idle connection's heap on a device).
 */
import type { FramingOptions } from "../core/connection";
import type { Platform } from "../platform/platform";

/** Kinds of settings kept per platform (client defaults, server defaults, a few custom limits). */
const KEPT = 4;
const byPlatform = new WeakMap<Platform, FramingOptions[]>();

function matches(framing: FramingOptions, platform: Platform, maxMessageSize: number, maxFragments: number, streaming: boolean): boolean {
  return framing.maxMessageSize === maxMessageSize && framing.maxFragments === maxFragments && framing.streaming === streaming &&
    framing.encodeUtf8 === platform.encodeUtf8 && framing.decodeUtf8 === platform.decodeUtf8 &&
    framing.isUtf8 === platform.isUtf8 && framing.compression === platform.compression && framing.allocateFrame === platform.allocateFrame;
}

export function sharedFraming(platform: Platform, maxMessageSize: number, maxFragments: number, streaming: boolean): FramingOptions {
  let kept = byPlatform.get(platform);
  if (!kept) {
    kept = [];
    byPlatform.set(platform, kept);
  }
  for (const framing of kept) if (matches(framing, platform, maxMessageSize, maxFragments, streaming)) return framing;
  const framing: FramingOptions = Object.freeze({
    maxMessageSize,
    maxFragments,
    streaming,
    // Read at each call, and called as the platform's method.
    random: kept[0]?.random ?? ((bytes: Uint8Array) => platform.randomFill(bytes)),
    encodeUtf8: platform.encodeUtf8,
    decodeUtf8: platform.decodeUtf8,
    isUtf8: platform.isUtf8,
    compression: platform.compression,
    allocateFrame: platform.allocateFrame,
  });
  if (kept.unshift(framing) > KEPT) kept.length = KEPT;
  return framing;
}
