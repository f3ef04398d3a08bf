/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320; the zlib/PNG one).
 * The 1 KiB table is made when the module loads: a device preloads it into
 * flash at build time, where it costs no RAM and is only ever read.
 */
function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

const TABLE = makeTable(); // preload: read-only

/** Continue a CRC over `bytes[start, end)`; start a new one with `crc = 0`. */
export function crc32Update(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLE;
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32(bytes: Uint8Array): number {
  return crc32Update(0, bytes);
}
