/**
 * The inflater device entries use when the manifest turns permessage-deflate
 * on: the SDK's `inflate` module (miniz), which manifest_deflate.json puts in
 * the build. It is looked up by name when the first compressed message
 * arrives, not imported, so builds without compression carry no miniz and
 * this module still links. Nothing is cached: the provider is made while
 * modules preload, and Modules.importNow answers a loaded module at once.
 */
import Modules from "modules";
import { WebSocketError } from "../core/errors";
import type { CompressionProvider, Inflater } from "../core/extensions/compression";
import { moddableCompression, type ModdableInflateClass } from "../platform/moddable-zlib";

const INFLATE = "inflate";

export function sdkInflateCompression(): CompressionProvider {
  return Object.freeze({
    createInflater(windowBits: number, noContextTakeover: boolean): Inflater {
      if (!Modules.has(INFLATE)) {
        throw new WebSocketError(
          "INVALID_STATE",
          `config.websocket.perMessageDeflate is on but the build has no "${INFLATE}" module: include ` +
            `manifest_deflate.json (docs/compression.md)`,
        );
      }
      // importNow answers the module's default export (the namespace only when asked for).
      return moddableCompression({ Inflate: Modules.importNow(INFLATE) as ModdableInflateClass }).createInflater(
        windowBits,
        noContextTakeover,
      );
    },
  });
}
