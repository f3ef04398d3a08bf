/**
 * Memory for one socket's reads (net.connect's `onread`), so a read costs no
 * allocation and skips the stream machinery: each read lands in the free
 * part of a 64 KiB slab. The core hands out views into the bytes it was fed,
 * so bytes once read are never written again; a slab with too little room
 * left is replaced by a fresh one (old ones live while a view holds them).
 */
const SLAB_SIZE = 64 * 1024;
/** Below this much room, start a new slab rather than cut reads short. */
const MIN_ROOM = 16 * 1024;

export class ReadSlab {
  private slab = new Uint8Array(0);
  private used = 0;

  /** Where the socket reads next. */
  next(): Uint8Array {
    if (this.slab.length - this.used < MIN_ROOM) {
      // Not zero-filled: only bytes a read wrote are ever handed out.
      this.slab = new Uint8Array(Buffer.allocUnsafeSlow(SLAB_SIZE).buffer);
      this.used = 0;
    }
    return this.slab.subarray(this.used);
  }

  /** The `length` bytes a read put at the start of `region` (the last next()). */
  take(region: Uint8Array, length: number): Uint8Array {
    this.used += length;
    return new Uint8Array(region.buffer, region.byteOffset, length);
  }
}
