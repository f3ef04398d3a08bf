import { WebSocketError } from "./errors";

/** Opcodes of RFC 6455 section 5.2. */
export const OPCODE = Object.freeze({
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const);

export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

export function isKnownOpcode(opcode: number): boolean {
  return opcode <= 2 || (opcode >= 8 && opcode <= 10);
}

/** The largest payload of a control frame (RFC 6455 section 5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/**
 * The checks of a raw outgoing frame that do not depend on the connection's state (sendFrame() of seed 001 and
 * of the clients under it), in one place so every caller refuses the same frames with the same words, online or
 * not. `payloadBytes` is left out where the payload is not encoded yet. Throws INVALID_ARGUMENT; returns true for
 * a control frame.
 */
export function checkOutgoingFrame(fin: boolean, opcode: number, payloadBytes?: number): boolean {
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 15) {
    throw new WebSocketError("INVALID_ARGUMENT", `opcode ${String(opcode)} is not in 0x0-0xF`);
  }
  if (!isKnownOpcode(opcode)) {
    throw new WebSocketError("INVALID_ARGUMENT", `opcode 0x${opcode.toString(16)} is reserved by RFC 6455`);
  }
  if (opcode === OPCODE.CLOSE) throw new WebSocketError("INVALID_ARGUMENT", "use close() to send a close frame");
  if (!isControl(opcode)) return false;
  if (!fin) throw new WebSocketError("INVALID_ARGUMENT", "control frames cannot be fragmented (fin must be true)");
  if (payloadBytes !== undefined && payloadBytes > MAX_CONTROL_PAYLOAD) {
    throw new WebSocketError(
      "INVALID_ARGUMENT",
      `control frame payload is ${payloadBytes} bytes; at most ${MAX_CONTROL_PAYLOAD} are allowed`,
    );
  }
  return true;
}

/** Below this many bytes a byte loop beats setting up a word view. */
const WORD_MASK_THRESHOLD = 32;

/** Byte order of this machine, so a masking key can be turned into a word without a scratch view. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Memory for one outgoing frame (Platform.allocateFrame): a view of
 * headerSize + payloadLength bytes that nothing else writes to while the
 * transport holds it, with byte headerSize on a 4-byte boundary (word-wise
 * masking).
 */
export type FrameAllocator = (headerSize: number, payloadLength: number) => Uint8Array;

/**
 * One frame as bytes ready for the transport. With a `mask` key (client role,
 * a fresh random key per frame) the payload is masked. The payload is placed
 * at a 4-byte-aligned offset so masking runs word-wise.
 */
export function encodeFrame(
  opcode: number,
  fin: boolean,
  payload: Uint8Array,
  mask: Uint8Array | null,
  rsv1 = false,
  allocate?: FrameAllocator,
): Uint8Array {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const headerSize = 2 + lengthBytes + (mask ? 4 : 0);
  const pad = mask && length >= WORD_MASK_THRESHOLD ? (4 - (headerSize & 3)) & 3 : 0;
  const out = allocate
    ? allocate(headerSize, length)
    : new Uint8Array(new ArrayBuffer(pad + headerSize + length), pad, headerSize + length);
  out[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = mask ? 0x80 : 0;
  if (lengthBytes === 0) {
    out[1] = maskBit | length;
  } else if (lengthBytes === 2) {
    out[1] = maskBit | 126;
    out[2] = length >>> 8;
    out[3] = length & 0xff;
  } else {
    out[1] = maskBit | 127;
    const high = Math.floor(length / 0x100000000);
    out[2] = 0;
    out[3] = 0;
    out[4] = (high >>> 8) & 0xff;
    out[5] = high & 0xff;
    out[6] = length >>> 24;
    out[7] = (length >>> 16) & 0xff;
    out[8] = (length >>> 8) & 0xff;
    out[9] = length & 0xff;
  }
  if (mask) {
    const keyAt = headerSize - 4;
    out[keyAt] = mask[0];
    out[keyAt + 1] = mask[1];
    out[keyAt + 2] = mask[2];
    out[keyAt + 3] = mask[3];
    if (length >= FUSED_MASK_THRESHOLD && (payload.byteOffset & 3) === 0 && ((out.byteOffset + headerSize) & 3) === 0) {
      copyMasked(payload, out, headerSize, mask);
    } else {
      out.set(payload, headerSize);
      applyMask(out, headerSize, length, mask, 0);
    }
  } else {
    out.set(payload, headerSize);
  }
  return out;
}

/** The masking key as a word in the same byte order as the data words. */
function keyWord(k0: number, k1: number, k2: number, k3: number): number {
  return LITTLE_ENDIAN ? k0 | (k1 << 8) | (k2 << 16) | (k3 << 24) : (k0 << 24) | (k1 << 16) | (k2 << 8) | k3;
}

/** From this size a large payload is masked while it is copied (one pass over memory instead of two). */
const FUSED_MASK_THRESHOLD = 1024;

/** out[at..] = payload XOR key, word-wise; both sides sit on 4-byte boundaries. */
function copyMasked(payload: Uint8Array, out: Uint8Array, at: number, key: Uint8Array): void {
  const k = keyWord(key[0], key[1], key[2], key[3]);
  const words = payload.length >>> 2;
  const from = new Uint32Array(payload.buffer, payload.byteOffset, words);
  const to = new Uint32Array(out.buffer, out.byteOffset + at, words);
  for (let w = 0; w < words; w++) to[w] = from[w] ^ k;
  for (let i = words << 2; i < payload.length; i++) out[at + i] = payload[i] ^ key[i & 3];
}

/**
 * XOR `length` bytes of `data` from `start` with the 4-byte key at key[keyAt..],
 * starting at key phase `phase`. Word-wise when the bytes sit on a 4-byte
 * boundary (encodeFrame lays frames out so that they do).
 */
export function applyMask(
  data: Uint8Array,
  start: number,
  length: number,
  key: Uint8Array,
  keyAt: number,
  phase = 0,
): void {
  const k0 = key[keyAt + (phase & 3)],
    k1 = key[keyAt + ((phase + 1) & 3)];
  const k2 = key[keyAt + ((phase + 2) & 3)],
    k3 = key[keyAt + ((phase + 3) & 3)];
  let i = 0;
  const absolute = data.byteOffset + start;
  if (length >= WORD_MASK_THRESHOLD && (absolute & 3) === 0) {
    const words = length >>> 2;
    const view = new Uint32Array(data.buffer, absolute, words);
    const k = keyWord(k0, k1, k2, k3);
    for (let w = 0; w < words; w++) view[w] ^= k;
    i = words << 2;
  }
  for (let p = start + i, e = start + length; p < e; p++, i++) {
    switch (i & 3) {
      case 0:
        data[p] ^= k0;
        break;
      case 1:
        data[p] ^= k1;
        break;
      case 2:
        data[p] ^= k2;
        break;
      default:
        data[p] ^= k3;
    }
  }
}
