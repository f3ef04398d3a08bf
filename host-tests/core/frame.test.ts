/** The frame codec (modules/core/frame.ts) on its own: header layouts, masking, the allocator, the send checks. */
import {
  MAX_CONTROL_PAYLOAD,
  OPCODE,
  checkOutgoingFrame,
  encodeFrame,
  isControl,
  isKnownOpcode,
  type FrameAllocator,
} from "../../modules/core/frame";
import { WebSocketError } from "../../modules/core/errors";

const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
const OTHER_KEY = new Uint8Array([0x00, 0xff, 0x80, 0x01]);

function payloadOf(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = x = (x * 1103515245 + 12345) & 0xff;
  return out;
}

/** The payload XORed with the key, computed here byte by byte (independent of the codec's word-wise loops). */
function xorWithKey(payload: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = payload[i] ^ key[i % 4];
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b));

/** The length field as RFC 6455 section 5.2 lays it out (minimal form), with the mask bit. */
function lengthField(length: number, masked: boolean): number[] {
  const m = masked ? 0x80 : 0;
  if (length < 126) return [m | length];
  if (length < 0x10000) return [m | 126, length >> 8, length & 0xff];
  return [m | 127, 0, 0, 0, 0, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff];
}

describe("headers", () => {
  test.each([
    [0, [0x82, 0x00]],
    [1, [0x82, 0x01]],
    [125, [0x82, 125]],
    [126, [0x82, 126, 0x00, 126]],
    [65535, [0x82, 126, 0xff, 0xff]],
    [65536, [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
  ])("unmasked binary frame of %i bytes: the minimal length form, then the payload as it is", (length, header) => {
    const payload = payloadOf(length);
    const frame = encodeFrame(OPCODE.BINARY, true, payload, null);
    expect(Array.from(frame.subarray(0, header.length))).toEqual(header);
    expect(frame.length).toBe(header.length + length);
    expect(same(frame.subarray(header.length), payload)).toBe(true);
  });

  test.each([
    [0, [0x81, 0x80, ...KEY]],
    [1, [0x81, 0x81, ...KEY]],
    [125, [0x81, 0xfd, ...KEY]],
    [126, [0x81, 0xfe, 0x00, 126, ...KEY]],
    [65535, [0x81, 0xfe, 0xff, 0xff, ...KEY]],
    [65536, [0x81, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, ...KEY]],
  ])("masked text frame of %i bytes: the mask bit with the length, the key right after it", (length, header) => {
    const frame = encodeFrame(OPCODE.TEXT, true, payloadOf(length), KEY);
    expect(Array.from(frame.subarray(0, header.length))).toEqual(header);
    expect(frame.length).toBe(header.length + length);
  });

  test("a 64-bit length writes every byte of the field (the allocator's memory may hold anything)", () => {
    const dirty: FrameAllocator = (headerSize, payloadLength) => new Uint8Array(headerSize + payloadLength).fill(0xee);
    const frame = encodeFrame(OPCODE.BINARY, true, payloadOf(70000), null, false, dirty);
    expect(Array.from(frame.subarray(0, 10))).toEqual([0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70]);
  });

  test.each([OPCODE.CONTINUATION, OPCODE.TEXT, OPCODE.BINARY, OPCODE.CLOSE, OPCODE.PING, OPCODE.PONG])(
    "opcode %i: FIN is 0x80, RSV1 0x40, the opcode the low nibble; RSV2 and RSV3 are never set",
    (opcode) => {
      for (const fin of [false, true]) {
        for (const rsv1 of [false, true]) {
          for (const mask of [null, KEY]) {
            const b0 = encodeFrame(opcode, fin, payloadOf(3), mask, rsv1)[0];
            expect(b0).toBe((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
          }
        }
      }
    },
  );

  test("without the rsv1 argument RSV1 is clear", () => {
    expect(encodeFrame(OPCODE.TEXT, true, payloadOf(2), null)[0]).toBe(0x81);
    expect(encodeFrame(OPCODE.TEXT, true, payloadOf(2), KEY)[0]).toBe(0x81);
  });
});

describe("masking", () => {
  const lengths = [...Array.from({ length: 41 }, (_, i) => i), 125, 126, 1000, 1023, 1024, 1025, 4097, 65535, 65537];

  test.each(lengths)("a %i-byte payload: the key after the length, the payload XORed with the key", (length) => {
    for (const key of [KEY, OTHER_KEY]) {
      const payload = payloadOf(length, length);
      const frame = encodeFrame(OPCODE.BINARY, true, payload, key);
      const field = lengthField(length, true);
      const keyAt = 1 + field.length;
      expect(Array.from(frame.subarray(1, keyAt))).toEqual(field);
      expect(Array.from(frame.subarray(keyAt, keyAt + 4))).toEqual(Array.from(key));
      expect(frame.length).toBe(keyAt + 4 + length);
      expect(same(frame.subarray(keyAt + 4), xorWithKey(payload, key))).toBe(true);
      expect(same(payload, payloadOf(length, length))).toBe(true); // the caller's bytes are untouched
    }
  });

  const unaligned = [...Array.from({ length: 41 }, (_, i) => i), 1023, 1024, 1025, 5001];
  test.each(unaligned)("a %i-byte payload viewed at byte offsets 1 to 5 masks like a fresh copy", (length) => {
    for (const offset of [1, 2, 3, 4, 5]) {
      const backing = payloadOf(length + offset + 3, length + 11);
      const payload = backing.subarray(offset, offset + length);
      const before = backing.slice();
      const frame = encodeFrame(OPCODE.BINARY, true, payload, KEY);
      const header = 2 + (length < 126 ? 0 : 2) + 4;
      expect(frame.length).toBe(header + length);
      expect(same(frame.subarray(header), xorWithKey(payload, KEY))).toBe(true);
      expect(same(backing, before)).toBe(true); // neither the view nor the bytes around it are written
    }
  });

  test("an unmasked frame leaves the mask bit clear and carries the payload unchanged", () => {
    for (const length of [0, 31, 32, 33, 200, 70000]) {
      const payload = payloadOf(length);
      const frame = encodeFrame(OPCODE.BINARY, true, payload, null);
      const header = 1 + lengthField(length, false).length;
      expect(frame[1] & 0x80).toBe(0);
      expect(same(frame.subarray(header), payload)).toBe(true);
    }
  });

  test("a masked payload long enough for word-wise masking starts on a 4-byte boundary (each header size)", () => {
    for (const length of [32, 33, 40, 125, 126, 200, 65535, 65536, 70001]) {
      const frame = encodeFrame(OPCODE.BINARY, true, payloadOf(length), KEY);
      const header = frame.length - length;
      expect(header).toBe(1 + lengthField(length, true).length + 4);
      expect((frame.byteOffset + header) % 4).toBe(0);
    }
  });

  test("two frames with different keys do not share memory", () => {
    const payload = payloadOf(64);
    const a = encodeFrame(OPCODE.BINARY, true, payload, KEY);
    const b = encodeFrame(OPCODE.BINARY, true, payload, OTHER_KEY);
    expect(a.buffer).not.toBe(b.buffer);
    expect(same(a.subarray(6), xorWithKey(payload, KEY))).toBe(true);
    expect(same(b.subarray(6), xorWithKey(payload, OTHER_KEY))).toBe(true);
  });
});

describe("the allocator", () => {
  test.each([
    [0, null, 2],
    [125, null, 2],
    [126, null, 4],
    [65536, null, 10],
    [0, KEY, 6],
    [125, KEY, 6],
    [126, KEY, 8],
    [65536, KEY, 14],
  ])("a %i-byte payload (key %p) asks once for a %i-byte header and the payload", (length, key, headerSize) => {
    const calls: [number, number][] = [];
    const allocate: FrameAllocator = (h, p) => {
      calls.push([h, p]);
      return new Uint8Array(h + p);
    };
    encodeFrame(OPCODE.BINARY, true, payloadOf(length), key, false, allocate);
    expect(calls).toEqual([[headerSize, length]]);
  });

  test("the memory it gives, with the payload on a 4-byte boundary, is the frame that comes back", () => {
    for (const length of [0, 5, 31, 32, 300, 1024, 4099, 70000]) {
      const payload = payloadOf(length, 5);
      let given: Uint8Array | null = null;
      const allocate: FrameAllocator = (headerSize, payloadLength) => {
        const lead = (4 - (headerSize % 4)) % 4; // so that byte headerSize lands on a 4-byte boundary
        given = new Uint8Array(lead + headerSize + payloadLength + 8).subarray(lead, lead + headerSize + payloadLength);
        return given;
      };
      const frame = encodeFrame(OPCODE.BINARY, true, payload, KEY, false, allocate);
      expect(frame).toBe(given);
      const header = frame.length - length;
      expect((frame.byteOffset + header) % 4).toBe(0);
      expect(Array.from(frame.subarray(header - 4, header))).toEqual(Array.from(KEY));
      expect(same(frame.subarray(header), xorWithKey(payload, KEY))).toBe(true);
    }
  });

  test("memory that breaks the alignment promise still gets correct bytes (the fast paths check it)", () => {
    for (const length of [32, 1024, 4099]) {
      for (const lead of [1, 2, 3]) {
        const payload = payloadOf(length, lead);
        const allocate: FrameAllocator = (h, p) => new Uint8Array(lead + h + p).subarray(lead);
        const frame = encodeFrame(OPCODE.BINARY, true, payload, KEY, false, allocate);
        const header = frame.length - length;
        expect(same(frame.subarray(header), xorWithKey(payload, KEY))).toBe(true);
      }
    }
  });
});

describe("opcodes", () => {
  test("OPCODE holds RFC 6455's six opcodes and cannot be changed", () => {
    expect(OPCODE).toEqual({ CONTINUATION: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 });
    expect(Object.isFrozen(OPCODE)).toBe(true);
  });

  test.each(Array.from({ length: 16 }, (_, op) => op))("opcode 0x%s: control iff >= 8; known iff 0-2 or 8-10", (op) => {
    expect(isControl(op)).toBe(op >= 8);
    expect(isKnownOpcode(op)).toBe([0, 1, 2, 8, 9, 10].includes(op));
  });
});

describe("checkOutgoingFrame", () => {
  test("data frames pass and say they are not control frames, at any size and either fin", () => {
    for (const opcode of [OPCODE.CONTINUATION, OPCODE.TEXT, OPCODE.BINARY]) {
      for (const fin of [false, true]) {
        expect(checkOutgoingFrame(fin, opcode)).toBe(false);
        expect(checkOutgoingFrame(fin, opcode, 0)).toBe(false);
        expect(checkOutgoingFrame(fin, opcode, 1 << 20)).toBe(false);
      }
    }
  });

  test("ping and pong pass with fin and at most 125 bytes (or a size not known yet), and say they are control", () => {
    expect(MAX_CONTROL_PAYLOAD).toBe(125);
    for (const opcode of [OPCODE.PING, OPCODE.PONG]) {
      expect(checkOutgoingFrame(true, opcode)).toBe(true);
      expect(checkOutgoingFrame(true, opcode, 0)).toBe(true);
      expect(checkOutgoingFrame(true, opcode, 125)).toBe(true);
    }
  });

  test.each([
    [true, -1, 0, "opcode -1 is not in 0x0-0xF"],
    [true, 16, 0, "opcode 16 is not in 0x0-0xF"],
    [true, NaN, 0, "opcode NaN is not in 0x0-0xF"],
    [true, Infinity, 0, "opcode Infinity is not in 0x0-0xF"],
    [true, 1.5, 0, "opcode 1.5 is not in 0x0-0xF"],
    [true, 3, 0, "opcode 0x3 is reserved by RFC 6455"],
    [true, 7, 0, "opcode 0x7 is reserved by RFC 6455"],
    [false, 0xb, 0, "opcode 0xb is reserved by RFC 6455"],
    [true, 0xf, 0, "opcode 0xf is reserved by RFC 6455"],
    [true, 8, 0, "use close() to send a close frame"],
    [false, 8, 200, "use close() to send a close frame"],
    [false, 9, 0, "control frames cannot be fragmented (fin must be true)"],
    [false, 10, undefined, "control frames cannot be fragmented (fin must be true)"],
    [true, 9, 126, "control frame payload is 126 bytes; at most 125 are allowed"],
    [true, 10, 65536, "control frame payload is 65536 bytes; at most 125 are allowed"],
  ])("fin %s, opcode %s, %s bytes: INVALID_ARGUMENT %s", (fin, opcode, bytes, message) => {
    let thrown: unknown;
    try {
      checkOutgoingFrame(fin, opcode, bytes);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WebSocketError);
    expect(thrown).toMatchObject({ code: "INVALID_ARGUMENT", message, closeCode: undefined });
  });
});
