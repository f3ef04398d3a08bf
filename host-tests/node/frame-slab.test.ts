import { encodeFrame } from "../../modules/core/frame";
import { slabFrame } from "../../node/frame-slab";

const KEY = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);

function payloadOf(length: number, seed: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 131 + seed * 7) & 255);
}

describe("small frames cut from the Node slab (Platform.allocateFrame)", () => {
  test("a frame from the slab has the same bytes as one in its own buffer, masked or not, at every length to 4 KiB", () => {
    for (let length = 0; length <= 4200; length += length < 300 ? 1 : 97) {
      const payload = payloadOf(length, length);
      for (const mask of [KEY, null]) {
        const own = encodeFrame(2, true, payload, mask);
        const slabbed = encodeFrame(2, true, payload, mask, false, slabFrame);
        expect(Buffer.from(slabbed).equals(Buffer.from(own))).toBe(true);
      }
    }
  });

  test("the masked payload of a slab frame starts on a 4-byte boundary (word-wise masking)", () => {
    for (let length = 0; length < 200; length++) {
      const frame = encodeFrame(1, true, payloadOf(length, 1), KEY, false, slabFrame);
      const headerSize = frame.length - length;
      expect((frame.byteOffset + headerSize) % 4).toBe(0);
    }
  });

  test("frames kept by a transport are never overwritten by later frames, across many slabs", () => {
    const kept: { frame: Uint8Array; expected: Buffer }[] = [];
    for (let i = 0; i < 3000; i++) {
      const payload = payloadOf((i * 37) % 700, i);
      const frame = encodeFrame(2, i % 3 !== 0, payload, KEY, false, slabFrame);
      kept.push({ frame, expected: Buffer.from(encodeFrame(2, i % 3 !== 0, payload, KEY)) });
    }
    expect(new Set(kept.map((k) => k.frame.buffer)).size).toBeGreaterThan(10);
    for (const { frame, expected } of kept) expect(Buffer.from(frame).equals(expected)).toBe(true);
  });

  test("a frame over 4 KiB gets its own buffer, so no slab is held by a large frame", () => {
    for (const length of [4096, 70000]) {
      const frame = encodeFrame(2, true, payloadOf(length, 3), KEY, false, slabFrame);
      expect(frame.buffer.byteLength).toBeLessThan(frame.length + 4);
      expect((frame.byteOffset + frame.length - length) % 4).toBe(0);
    }
  });
});
