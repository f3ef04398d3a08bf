/**
 * permessage-deflate decompression on a device, over the Moddable SDK's zlib
 * (`modules/data/zlib`, the `inflate` module: miniz inside). The app passes
 * the SDK's Inflate class in, so this file has no import the host type checks
 * cannot see:
 *
 *   import Inflate from "inflate";
 *   createModdablePlatform({ compression: moddableCompression({ Inflate }) })
 *
 * Memory: miniz's raw inflater always keeps a 32 KiB window plus about 11 KiB
 * of decoder tables (about 44 KiB per connection, allocated at the first
 * compressed message and kept while the connection lives), whatever window
 * the server uses. No deflater: miniz's compressor needs about 300 KiB and
 * the SDK's Deflate can only end a stream (no sync flush), so a device sends
 * its messages uncompressed, which RFC 7692 allows on a compressed connection.
 */
import type { CompressionProvider, Inflater } from "../core/extensions/compression";

/**
 * The SDK's Inflate as far as it is used here: push(bytes) calls onData(chunk) for each output piece, synchronously.
 */
export interface ModdableInflateStream {
  push(buffer: ArrayBuffer | Uint8Array, end?: boolean): unknown;
  close(): void;
  onData: (chunk: ArrayBuffer) => void;
  onEnd: (error: number) => void;
}

export type ModdableInflateClass = new (options: { windowBits: number }) => ModdableInflateStream;

export interface ModdableCompressionOptions {
  /** `import Inflate from "inflate"` (manifest: $(MODDABLE)/modules/data/zlib/manifest_inflate.json). */
  Inflate: ModdableInflateClass;
}

/** Thrown from onData to stop miniz mid-push once a message passes its size cap. */
const OVER_LIMIT = Object.freeze({ overLimit: true });

class ModdableInflater implements Inflater {
  private readonly Inflate: ModdableInflateClass;
  private stream: ModdableInflateStream | undefined;
  /** The peer ended its DEFLATE stream (a BFINAL block): the rest of this message is padding. */
  private ended = false;
  private out: Uint8Array[] = [];
  private produced = 0;
  private limit = 0;

  constructor(Inflate: ModdableInflateClass) {
    this.Inflate = Inflate;
  }

  push(input: Uint8Array, flush: boolean, limit: number): Uint8Array[] | undefined {
    if (this.ended) {
      // miniz closed the stream at its end; the next message starts a new one.
      if (flush) {
        this.ended = false;
        this.stream = undefined;
      }
      return [];
    }
    const stream = this.stream ?? this.open();
    this.out = [];
    this.produced = 0;
    this.limit = limit;
    try {
      stream.push(input, false);
    } catch (e) {
      this.drop();
      if (e === OVER_LIMIT) return undefined;
      throw e;
    }
    const out = this.out;
    this.out = [];
    if (this.ended && flush) {
      this.ended = false;
      this.stream = undefined;
    }
    return out;
  }

  dispose(): void {
    this.drop();
  }

  private open(): ModdableInflateStream {
    // Negative windowBits: raw DEFLATE, no zlib header (miniz accepts only -15 or 15).
    const stream = new this.Inflate({ windowBits: -15 });
    stream.onData = (chunk: ArrayBuffer) => {
      this.produced += chunk.byteLength;
      if (this.produced > this.limit) throw OVER_LIMIT;
      this.out.push(new Uint8Array(chunk));
    };
    stream.onEnd = () => {
      this.ended = true;
    };
    this.stream = stream;
    return stream;
  }

  private drop(): void {
    const stream = this.stream;
    this.stream = undefined;
    this.ended = false;
    this.out = [];
    if (stream) {
      try {
        stream.close();
      } catch {
        /* already closed by the SDK after an error or the stream's end */
      }
    }
  }
}

export function moddableCompression(options: ModdableCompressionOptions): CompressionProvider {
  const Inflate = options.Inflate; // a const: an app may call this while its modules preload
  return Object.freeze({
    createInflater: () => new ModdableInflater(Inflate),
  });
}
