/**
 * Property: whatever bytes a server sends, the core never throws, always
 * finishes, never buffers more than its limits allow, and ends with exactly
 * one close (and, unless the server closed properly, exactly one error first:
 * the protocol failure, or CONNECTION_LOST when the stream just stopped)
 * — and it agrees with an independent reading of RFC 6455 on what the bytes mean.
 */
import fc from "fast-check";
import { WebSocketError } from "../../modules/core/errors";
import { concat, frame } from "../conformance/wire";
import { referenceModel } from "./reference-model";
import { openClient, splitAt, type CoreEvent } from "./sans-io";

const MAX_MESSAGE = 4096;
const MAX_FRAGMENTS = 16;

/** Frame-shaped pieces with random bits, opcodes, lengths (some lying), and raw noise between them. */
const piece: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  {
    weight: 5, arbitrary: fc.record({
      opcode: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 1, 2, 8, 9, 10) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
      fin: fc.boolean(),
      rsv: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
      payload: fc.oneof(
        fc.uint8Array({ maxLength: 130 }),
        fc.string({ unit: "binary", maxLength: 40 }).map((s) => new Uint8Array(Buffer.from(s, "utf8"))),
        fc.constantFrom(Uint8Array.from([0x03, 0xe8]), Uint8Array.from([0xce, 0xba, 0xe1]), Uint8Array.from([0xed, 0xa0, 0x80]), Uint8Array.from([0x0f, 0xa0])),
      ),
      truncate: fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat({ max: 20 }) }),
      masked: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }).map(({ opcode, fin, rsv, payload, truncate, masked }) => {
      const f = frame(opcode, payload, { fin, rsv });
      if (masked) f[1] |= 0x80; // a mask bit without a key: the length that follows is misread, on purpose
      return truncate >= 0 ? f.subarray(0, Math.min(f.length, truncate)) : f;
    }),
  },
  // Length bombs: 16- and 64-bit lengths far beyond the limit, some with the forbidden top bit.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x81, 0x82, 0x01, 0x02, 0x80), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }))
    .map(([b0, n]) => { const h = new Uint8Array(10); h[0] = b0; h[1] = 127; new DataView(h.buffer).setBigUint64(2, n); return h; }) },
);

function run(stream: Uint8Array, cuts: number[]): { events: CoreEvent[]; written: ReturnType<typeof openClient>["written"] } {
  const h = openClient({ maxMessageSize: MAX_MESSAGE, maxFragments: MAX_FRAGMENTS });
  for (const p of splitAt(stream, cuts.map((c) => c % (stream.length + 1)))) h.conn.receive(p);
  h.conn.transportClosed();
  return { events: h.events, written: h.written };
}

describe("random bytes from the server", () => {
  test("never throw, end in one close, and agree with the reference model", () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (pieces, cuts) => {
      const stream = concat(pieces);
      const { events, written } = run(stream, cuts);
      const model = referenceModel(stream, MAX_MESSAGE, MAX_FRAGMENTS);

      // Exactly one close, last; at most one error, before it.
      const closes = events.filter((e) => e.type === "closed");
      expect(closes.length).toBe(1);
      expect(events[events.length - 1].type).toBe("closed");
      const errors = events.filter((e): e is Extract<CoreEvent, { type: "error" }> => e.type === "error");
      expect(errors.length).toBeLessThanOrEqual(1);
      const closed = closes[0] as Extract<CoreEvent, { type: "closed" }>;

      // What the client wrote: masked frames, pongs, then at most one close and nothing after it.
      expect(written.every((f) => f.masked && f.minimalLength)).toBe(true);
      const closeAt = written.findIndex((f) => f.opcode === 8);
      if (closeAt >= 0) expect(written.length).toBe(closeAt + 1);
      const wireCode = closeAt < 0 ? undefined : written[closeAt].payload.length ? (written[closeAt].payload[0] << 8) | written[closeAt].payload[1] : 1005;

      // Delivered messages and pings match the model.
      const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
      const messages = events.filter((e): e is Extract<CoreEvent, { type: "message" }> => e.type === "message")
        .map((e) => (typeof e.data === "string" ? hex(new Uint8Array(Buffer.from(e.data, "utf8"))) : hex(e.data)));
      expect(messages).toEqual(model.messages.map((m) => hex(m.data)));
      expect(events.filter((e) => e.type === "ping").length).toBe(model.pings.length);

      if (model.end.kind === "fail") {
        expect(errors.length).toBe(1);
        const error = errors[0].error;
        expect(error).toBeInstanceOf(WebSocketError);
        expect(error.closeCode).toBe(model.end.closeCode);
        expect(error.code).toBe(model.end.closeCode === 1002 ? "PROTOCOL_ERROR" : model.end.closeCode === 1007 ? "INVALID_UTF8" : "MESSAGE_TOO_BIG");
        expect(error.message.length).toBeGreaterThan(10);
        expect(wireCode).toBe(model.end.closeCode);
        expect(closed).toMatchObject({ code: model.end.closeCode, wasClean: false });
      } else if (model.end.kind === "close") {
        expect(errors.length).toBe(0);
        expect(wireCode).toBe(model.end.code);
        expect(closed).toMatchObject({ code: model.end.code, wasClean: true });
      } else {
        // The stream just stopped (valid so far, or cut inside a frame): the user learns the connection was lost.
        expect(errors.map((e) => [e.error.code, e.error.closeCode])).toEqual([["CONNECTION_LOST", 1006]]);
        expect(closeAt).toBe(-1);
        expect(closed).toMatchObject({ code: 1006, wasClean: false });
      }
    }), { numRuns: 3000 });
  });

  test("pure noise fails the connection or waits for more, and the stream cost stays within the limits", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 20 }), (noise, cuts) => {
      const before = process.memoryUsage().arrayBuffers;
      const { events } = run(noise, cuts);
      const model = referenceModel(noise, MAX_MESSAGE, MAX_FRAGMENTS);
      // Every ending but a received close is an error: a protocol failure, or the connection lost mid-stream.
      const error = events.find((e): e is Extract<CoreEvent, { type: "error" }> => e.type === "error");
      expect(error?.error.closeCode).toBe(model.end.kind === "fail" ? model.end.closeCode : model.end.kind === "eof" ? 1006 : undefined);
      // No length field, however large, may make the core allocate beyond its message limit.
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    }), { numRuns: 2000 });
  });

  test("a 64-bit length with the top bit set, 2^63-1, 2^53 or 16 MiB+1 fails at the header, before any payload", () => {
    for (const [length, code] of [[1n << 63n, 1002], [(1n << 63n) - 1n, 1009], [1n << 53n, 1009], [16n * 1024n * 1024n + 1n, 1009]] as const) {
      const h = openClient();
      const header = new Uint8Array(10);
      header[0] = 0x82; header[1] = 127;
      new DataView(header.buffer).setBigUint64(2, length);
      h.conn.receive(header);
      const error = h.events.find((e): e is Extract<CoreEvent, { type: "error" }> => e.type === "error");
      expect(error?.error.closeCode).toBe(code);
      expect(error?.error.message).toMatch(code === 1002 ? /64-bit payload length has its most significant bit set/ : /exceeds the limit of 16777216|more than 2\^53 bytes/);
    }
  });
});
