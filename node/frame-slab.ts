/**
 * Outgoing small frames cut from a shared slab (Platform.allocateFrame on
 * Node). V8 gives every ArrayBuffer its own backing store, which the garbage
 * collector tracks and frees one by one: per frame that costs more than the
 * encoding. A bump pointer through a 16 KiB slab costs one view. Memory is
 * never handed out twice, so a transport may hold a frame until it is written;
 * a slab lives as long as any frame cut from it. Not for XS, where an
 * ArrayBuffer is one chunk and a slab held by one queued frame wastes RAM.
 */
const SLAB_SIZE = 16 * 1024;
/** Larger frames get their own buffer: they would waste the slab's tail, and their allocation is cheap next to their bytes. */
const MAX_FRAME = 4 * 1024;

let slab = new ArrayBuffer(SLAB_SIZE);
let used = 0;

export function slabFrame(headerSize: number, payloadLength: number): Uint8Array {
  const size = headerSize + payloadLength;
  // Every frame starts so that its payload lands on a 4-byte boundary.
  if (size > MAX_FRAME) {
    const pad = (4 - (headerSize & 3)) & 3;
    return new Uint8Array(new ArrayBuffer(pad + size), pad, size);
  }
  let at = used + ((4 - ((used + headerSize) & 3)) & 3);
  if (at + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    at = (4 - (headerSize & 3)) & 3;
  }
  used = at + size;
  return new Uint8Array(slab, at, size);
}
