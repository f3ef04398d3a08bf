/**
 * The framing settings an endpoint hands its connection. Connections made
 * with the same platform and limits share one frozen object, and one
 * masking-key function, instead of a copy each: on XS an object costs a slot
 * per field and a closure about ten (the idle connection's heap on a device).
 */
import type { FramingOptions } from "../core/connection";
import type { Platform } from "../platform/platform";
import { runTimeSlot } from "../platform/run-time-state";

/**
 * The most recently used settings, newest first: on a device one platform and a kind or two of limits;
 * on a host with many platforms, older ones fall off. An array, not a WeakMap, and made at run time
 * (run-time-state.ts): these modules are preloaded into flash on a device, where a WeakMap's set()
 * throws and a module-level array is an alias the XS linker warns about.
 */
const KEPT = 8;
type Recent = { platform: Platform; framing: FramingOptions }[];
const makeRecent = (): Recent => [];

function matches(
  framing: FramingOptions,
  platform: Platform,
  maxMessageSize: number,
  maxFragments: number,
  fragments: boolean,
): boolean {
  return (
    framing.maxMessageSize === maxMessageSize &&
    framing.maxFragments === maxFragments &&
    framing.fragments === fragments &&
    framing.encodeUtf8 === platform.encodeUtf8 &&
    framing.decodeUtf8 === platform.decodeUtf8 &&
    framing.isUtf8 === platform.isUtf8 &&
    framing.compression === platform.compression &&
    framing.allocateFrame === platform.allocateFrame
  );
}

export function sharedFraming(
  platform: Platform,
  maxMessageSize: number,
  maxFragments: number,
  fragments: boolean,
): FramingOptions {
  let random: FramingOptions["random"] | undefined;
  const recent = runTimeSlot("framing", makeRecent);
  for (let i = 0; i < recent.length; i++) {
    const entry = recent[i];
    if (entry.platform !== platform) continue;
    if (matches(entry.framing, platform, maxMessageSize, maxFragments, fragments)) return entry.framing;
    random = entry.framing.random;
  }
  const framing: FramingOptions = Object.freeze({
    maxMessageSize,
    maxFragments,
    fragments,
    // Read at each call, and called as the platform's method.
    random: random ?? ((bytes: Uint8Array) => platform.randomFill(bytes)),
    // Made here, at run time: on a device a typed array made while modules preload is in flash, read-only.
    maskScratch: new Uint8Array(4),
    encodeUtf8: platform.encodeUtf8,
    decodeUtf8: platform.decodeUtf8,
    isUtf8: platform.isUtf8,
    compression: platform.compression,
    allocateFrame: platform.allocateFrame,
  });
  if (recent.unshift({ platform, framing }) > KEPT) recent.length = KEPT;
  return framing;
}
