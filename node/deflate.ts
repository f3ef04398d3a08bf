/**
 * Raw DEFLATE for permessage-deflate on Node, through node:zlib's public
 * synchronous calls only.
 *
 * Context takeover needs a compressor and decompressor that remember earlier
 * messages. Node's public zlib API keeps such state only in asynchronous
 * streams (the synchronous path through a stream, `_processChunk`, is
 * private). The window is, however, nothing but the last 2^windowBits bytes
 * of uncompressed data, and zlib accepts it as a preset dictionary for raw
 * streams at any time. So each message is one `deflateRawSync` /
 * `inflateRawSync` call with the previous messages' tail as `dictionary`:
 * the compressor may refer back into it exactly as a persistent stream
 * would, and the decompressor resolves such references the same way. Both
 * calls flush with Z_SYNC_FLUSH, so output ends at a byte boundary with
 * 0x00 0x00 0xff 0xff, and inflation stops at `maxOutputLength` (a bomb is
 * never inflated past the cap). Cost: each message starts a zlib stream and
 * loads up to 32 KiB of dictionary, which is cheap next to the sans-I/O
 * core's guarantee that messages stay in order without any async step.
 */
import * as zlib from "node:zlib";
import type { CompressionProvider, Deflater, DeflaterSettings, Inflater } from "../modules/core/extensions/compression";

const SYNC = zlib.constants.Z_SYNC_FLUSH;

/** Keeps the last `size` bytes of everything appended (the LZ77 window). */
class History {
  private bytes: Buffer = Buffer.alloc(0);
  constructor(private readonly size: number) {}

  get dictionary(): Buffer | undefined {
    return this.bytes.length ? this.bytes : undefined;
  }

  append(data: Uint8Array): void {
    if (data.length >= this.size) {
      this.bytes = Buffer.from(data.subarray(data.length - this.size));
      return;
    }
    const keep = Math.min(this.bytes.length, this.size - data.length);
    const next = Buffer.allocUnsafe(keep + data.length);
    this.bytes.copy(next, 0, this.bytes.length - keep);
    next.set(data, keep);
    this.bytes = next;
  }

  clear(): void {
    this.bytes = Buffer.alloc(0);
  }
}

class NodeInflater implements Inflater {
  private readonly windowBits: number;
  private readonly history: History | null;
  private pending: Buffer[] = [];

  constructor(windowBits: number, noContextTakeover: boolean) {
    this.windowBits = windowBits;
    this.history = noContextTakeover ? null : new History(1 << windowBits);
  }

  push(input: Uint8Array, flush: boolean, limit: number): Uint8Array[] | undefined {
    // A whole message is inflated in one call (the dictionary trick needs a
    // message boundary); the receiver has already bounded its compressed size.
    this.pending.push(Buffer.from(input));
    if (!flush) return [];
    const compressed = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    let out: Buffer;
    try {
      out = zlib.inflateRawSync(compressed, {
        windowBits: this.windowBits,
        finishFlush: SYNC,
        dictionary: this.history?.dictionary,
        maxOutputLength: Math.max(1, limit),
      });
    } catch (e) {
      if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return undefined;
      throw e;
    }
    if (out.length > limit) return undefined;
    this.history?.append(out);
    return [new Uint8Array(out.buffer, out.byteOffset, out.length)];
  }

  dispose(): void {
    this.pending = [];
    this.history?.clear();
  }
}

class NodeDeflater implements Deflater {
  private readonly settings: DeflaterSettings;
  private readonly history: History;

  constructor(settings: DeflaterSettings) {
    this.settings = settings;
    this.history = new History(1 << settings.windowBits);
  }

  compress(data: Uint8Array, resetAfter: boolean): Uint8Array {
    const out = zlib.deflateRawSync(data, {
      // zlib has no 256-byte window for raw deflate; a 512-byte one never
      // refers further back than 250 bytes, within the peer's 256.
      windowBits: Math.max(9, this.settings.windowBits),
      level: this.settings.level ?? zlib.constants.Z_DEFAULT_COMPRESSION,
      memLevel: this.settings.memLevel ?? 8,
      finishFlush: SYNC,
      dictionary: resetAfter ? undefined : this.history.dictionary,
    });
    if (resetAfter) this.history.clear();
    else this.history.append(data);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  dispose(): void {
    this.history.clear();
  }
}

export const nodeCompression: CompressionProvider = {
  createInflater: (windowBits, noContextTakeover) => new NodeInflater(windowBits, noContextTakeover),
  createDeflater: (settings) => new NodeDeflater(settings),
};
