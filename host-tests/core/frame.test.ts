/** The frame codec (modules/core/frame.ts) on its own: header layouts, masking, the allocator, the send checks. */
import { OPCODE, checkOutgoingFrame, encodeFrame, isControl, isKnownOpcode, type FrameAllocator } from "../../modules/core/frame";
import { WebSocketError } from "../../modules/core/errors";

const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

function payloadOf(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = x = (x * 1103515245 + 12345) & 0xff;
  return out;
}

/** The payload XORed with the key, computed here byte by byte (independent of the codec's word-wise loop). */
function xorWithKey(payload: Uint8Array, key: Uint8Array): Uint8Array {
  return payload.map((b, i) => b ^ key[i & 3]);
}

describe("headers", () => {
  test.each([
    [0, [0x82, 0x00]],
    [1, [0x82, 0x01]],
    [125, [0x82, 125]],
    [126, [0x82, 126, 0x00, 126]],
    [65535, [0x82, 126, 0xff, 0xff]],
    [65536, [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
  ])("unmasked binary frame of %i bytes: the minimal length form", (length, header) => {
    const payload = payloadOf(length);
    const frame = encodeFrame(OPCODE.BINARY, true, payload, null);
    expect(Array.from(frame.subarray(0, header.length))).toEqual(header);
    expect(frame.length).toBe(header.length + length);
    expect(Buffer.from(frame.subarray(header.length)).equals(Buffer.from(payload))).toBe(true);
  });

  test("FIN, RSV1 and the opcode share the first byte", () => {
    expect(encodeFrame(OPCODE.TEXT, false, new Uint8Array(0), null)[0]).toBe(0x01);
    expect(encodeFrame(OPCODE.CONTINUATION, true, new Uint8Array(0), null)[0]).toBe(0x80);
    expect(encodeFrame(OPCODE.TEXT, true, new Uint8Array(0), null, true)[0]).toBe(0xc1);
    expect(encodeFrame(OPCODE.PING, true, new Uint8Array(0), null)[0]).toBe(0x89);
  });
});

describe("masking", () => {
  const lengths = [...Array.from({ length: 41 }, (_, i) => i), 125, 126, 1000, 4097, 65537];
  test.each(lengths)("a %i-byte payload: mask bit, key after the length, payload XORed with the key", (length) => {
    const payload = payloadOf(length, length);
    const frame = encodeFrame(OPCODE.BINARY, true, payload, KEY);
    const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
    const keyAt = 2 + lengthBytes;
    expect(frame[1] & 0x80).toBe(0x80);
    expect(Array.from(frame.subarray(keyAt, keyAt + 4))).toEqual(Array.from(KEY));
    expect(Buffer.from(frame.subarray(keyAt + 4)).equals(Buffer.from(xorWithKey(payload, KEY)))).toBe(true);
    expect(Array.from(payload)).toEqual(Array.from(payloadOf(length, length))); // the caller's bytes are untouched
  });

  test.each([1, 2, 3])("a payload viewed at byte offset %i masks the same as an aligned one", (offset) => {
    const backing = payloadOf(5000 + offset, 3);
    const payload = backing.subarray(offset, offset + 5000);
    const frame = encodeFrame(OPCODE.BINARY, true, payload, KEY);
    expect(Buffer.from(frame.subarray(8)).equals(Buffer.from(xorWithKey(payload, KEY)))).toBe(true);
  });

  test("a masked payload long enough for word-wise masking starts on a 4-byte boundary", () => {
    for (const length of [32, 200, 70000]) {
      const frame = encodeFrame(OPCODE.BINARY, true, payloadOf(length), KEY);
      const header = frame.length - length;
      expect((frame.byteOffset + header) % 4).toBe(0);
    }
  });
});

test("the allocator is asked for the header and payload sizes, and its memory is what comes back", () => {
  const calls: [number, number][] = [];
  const allocate: FrameAllocator = (headerSize, payloadLength) => {
    calls.push([headerSize, payloadLength]);
    return new Uint8Array(headerSize + payloadLength);
  };
  const payload = payloadOf(300);
  const frame = encodeFrame(OPCODE.BINARY, true, payload, KEY, false, allocate);
  expect(calls).toEqual([[8, 300]]);
  expect(frame.length).toBe(308);
  expect(Buffer.from(frame.subarray(8)).equals(Buffer.from(xorWithKey(payload, KEY)))).toBe(true);
});

test("opcode classes: control frames have the high bit; 0-2 and 8-10 are the known ones", () => {
  const known = Array.from({ length: 16 }, (_, op) => op).filter(isKnownOpcode);
  expect(known).toEqual([0, 1, 2, 8, 9, 10]);
  expect(Array.from({ length: 16 }, (_, op) => op).filter(isControl)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
});

describe("checkOutgoingFrame", () => {
  test("data frames pass and say they are not control frames; ping and pong say they are", () => {
    expect(checkOutgoingFrame(true, OPCODE.TEXT, 10)).toBe(false);
    expect(checkOutgoingFrame(false, OPCODE.BINARY)).toBe(false);
    expect(checkOutgoingFrame(false, OPCODE.CONTINUATION, 1 << 20)).toBe(false);
    expect(checkOutgoingFrame(true, OPCODE.PING, 125)).toBe(true);
    expect(checkOutgoingFrame(true, OPCODE.PONG)).toBe(true);
  });

  test.each([
    [true, -1, 0, "opcode -1 is not in 0x0-0xF"],
    [true, 16, 0, "opcode 16 is not in 0x0-0xF"],
    [true, NaN, 0, "opcode NaN is not in 0x0-0xF"],
    [true, 1.5, 0, "opcode 1.5 is not in 0x0-0xF"],
    [true, 3, 0, "opcode 0x3 is reserved by RFC 6455"],
    [true, 0xb, 0, "opcode 0xb is reserved by RFC 6455"],
    [true, 8, 0, "use close() to send a close frame"],
    [false, 9, 0, "control frames cannot be fragmented (fin must be true)"],
    [true, 10, 126, "control frame payload is 126 bytes; at most 125 are allowed"],
  ])("fin %s, opcode %s, %i bytes: INVALID_ARGUMENT %s", (fin, opcode, bytes, message) => {
    let thrown: unknown;
    try {
      checkOutgoingFrame(fin, opcode, bytes);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WebSocketError);
    expect(thrown).toMatchObject({ code: "INVALID_ARGUMENT", message });
  });
});
