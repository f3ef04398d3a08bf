/**
 * Raw DEFLATE (RFC 1951) through the platform seam, for permessage-deflate
 * (RFC 7692). Synchronous on purpose: the sans-I/O core calls it in line while
 * it decodes frames, so message order can never change. Each platform brings
 * its own: node:zlib on the host, the Moddable SDK's zlib module on a device,
 * the host bridge in the XS simulator.
 */

/** One direction of decompression for one connection; keeps its window between messages. */
export interface Inflater {
  /**
   * Inflate the next compressed bytes of the current message. `flush` is true
   * for the message's last bytes (the caller has appended 0x00 0x00 0xff 0xff),
   * after which everything inflated so far must have been returned.
   * Returns the inflated pieces (possibly none yet), or `undefined` as soon as
   * more than `limit` bytes would come out of this call: the provider stops
   * inflating there (a decompression bomb never inflates past the cap).
   * Throws when the data is not valid DEFLATE.
   */
  push(input: Uint8Array, flush: boolean, limit: number): Uint8Array[] | undefined;
  /** Release native memory now (the connection is over). */
  dispose(): void;
}

/** One direction of compression for one connection. */
export interface Deflater {
  /**
   * Compress one whole message and flush it to a byte boundary. The result
   * either ends with a sync flush (0x00 0x00 0xff 0xff) or with a block that
   * has BFINAL set; the caller frames either as RFC 7692 7.2.1 says.
   * With `resetAfter` the next message must not refer to this one (no context takeover).
   */
  compress(data: Uint8Array, resetAfter: boolean): Uint8Array;
  dispose(): void;
}

export interface DeflaterSettings {
  /** LZ77 window: 2^windowBits bytes (8-15). The peer's inflater has at least this window. */
  windowBits: number;
  /** zlib level 0-9 (provider default when absent). */
  level?: number;
  /** zlib memLevel 1-9: hash table size (provider default when absent). */
  memLevel?: number;
}

export interface CompressionProvider {
  /**
   * An inflater for a peer compressing with windows of at most 2^windowBits
   * bytes. `noContextTakeover`: the peer never refers to earlier messages, so
   * the window need not be kept between them.
   */
  createInflater(windowBits: number, noContextTakeover: boolean): Inflater;
  /**
   * A deflater, when this platform can afford one. Without it the connection
   * still negotiates permessage-deflate and inflates what it receives, but
   * sends every message uncompressed (RSV1 clear), which RFC 7692 allows.
   */
  createDeflater?(settings: DeflaterSettings): Deflater;
}
