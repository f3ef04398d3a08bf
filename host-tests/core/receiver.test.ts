/** The incremental frame decoder (modules/core/receiver.ts) on its own, fed whole, byte by byte and in random chunks. */
import { Receiver, type ReceiverLimits, type ReceiverSink } from "../../modules/core/receiver";
import { closeFrame, frame } from "../support/frames";

type Call =
  | ["message", boolean, string]
  | ["fragment", boolean, string, boolean]
  | ["control", number, string]
  | ["fail", string, number, string];

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

function recorder(): { sink: ReceiverSink; calls: Call[] } {
  const calls: Call[] = [];
  const sink: ReceiverSink = {
    onMessage: (binary, data) => calls.push(["message", binary, text(data)]),
    onFragment: (binary, data, final) => calls.push(["fragment", binary, text(data), final]),
    onControl: (opcode, payload) => calls.push(["control", opcode, text(payload)]),
    onFail: (code, closeCode, message) => calls.push(["fail", code, closeCode, message]),
  };
  return { sink, calls };
}

const LIMITS: ReceiverLimits = { maxMessageSize: 1 << 20, maxFragments: 100, fragments: false };

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

/**
 * Feeds a copy of `wire` in the given chunking; returns what the sink saw. A copy: the receiver owns what it is
 * pushed and unmasks it in place (the transport's read buffer, never read again).
 */
function feed(original: Uint8Array, cuts: number[], limits: ReceiverLimits = LIMITS, expectMasked = false): Call[] {
  const wire = original.slice();
  const { sink, calls } = recorder();
  const receiver = new Receiver(limits, expectMasked, sink);
  let at = 0;
  for (const cut of [...cuts, wire.length]) {
    receiver.push(wire.subarray(at, cut));
    at = cut;
  }
  return calls;
}

/** Every way to cut `wire` in two, one byte at a time, and 20 seeded random chunkings: all must give `expected`. */
function expectEveryChunking(wire: Uint8Array, expected: Call[], limits: ReceiverLimits = LIMITS, expectMasked = false): void {
  expect(feed(wire, [], limits, expectMasked)).toEqual(expected);
  for (let cut = 1; cut < wire.length; cut++) expect(feed(wire, [cut], limits, expectMasked)).toEqual(expected);
  expect(feed(wire, Array.from({ length: wire.length }, (_, i) => i), limits, expectMasked)).toEqual(expected);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 20; round++) {
    const cuts: number[] = [];
    for (let at = Math.floor(random() * 7); at < wire.length; at += 1 + Math.floor(random() * 9)) cuts.push(at);
    expect(feed(wire, cuts, limits, expectMasked)).toEqual(expected);
  }
}

describe("whole messages", () => {
  test.each([0, 1, 125, 126, 65535, 65536])("a %i-byte binary frame from the server", (length) => {
    const payload = Buffer.alloc(length, 0x5a);
    expect(feed(frame(2, payload), [])).toEqual([["message", true, text(payload)]]);
  });

  test("text, binary and control frames in one stream, in order, whatever the chunking", () => {
    const wire = concat(frame(1, "héllo"), frame(9, "p1"), frame(2, new Uint8Array([1, 2, 3])), frame(10, ""), closeFrame(1000, "bye"));
    expectEveryChunking(wire, [
      ["message", false, Buffer.from("héllo").toString("latin1")],
      ["control", 9, "p1"],
      ["message", true, "\x01\x02\x03"],
      ["control", 10, ""],
      ["control", 8, "\x03\xe8bye"],
    ]);
  });

  test("a message in frames, with a ping between them, is delivered whole once", () => {
    const wire = concat(frame(1, "ab", { fin: false }), frame(9, "x"), frame(0, "cd", { fin: false }), frame(0, "e"));
    expectEveryChunking(wire, [["control", 9, "x"], ["message", false, "abcde"]]);
  });

  test("the server role expects masked frames and unmasks them (in place: the pushed bytes are the receiver's)", () => {
    const wire = frame(1, "masked text", { mask: new Uint8Array([1, 2, 3, 4]) });
    expectEveryChunking(wire, [["message", false, "masked text"]], LIMITS, true);
    expect(feed(frame(1, "x"), [], LIMITS, true)).toEqual([["fail", "PROTOCOL_ERROR", 1002, "frame from the client is not masked"]]);
  });
});

describe("fragments: true", () => {
  const PARTS: ReceiverLimits = { ...LIMITS, fragments: true };

  test("parts are delivered as they arrive, the last one final", () => {
    const wire = concat(frame(2, "abc", { fin: false }), frame(0, "def"));
    const calls = feed(wire, []);
    expect(calls).toEqual([["message", true, "abcdef"]]);
    const parts = feed(wire, [], PARTS).filter((c) => c[0] === "fragment") as ["fragment", boolean, string, boolean][];
    expect(parts.map((p) => p[2]).join("")).toBe("abcdef");
    expect(parts.map((p) => p[3])).toEqual([...parts.slice(1).map(() => false), true]);
  });

  test("text parts end on character boundaries: a 4-byte character split across frames arrives in one part", () => {
    const clef = Buffer.from("𝄞"); // F0 9D 84 9E
    const wire = concat(frame(1, Buffer.concat([Buffer.from("a"), clef.subarray(0, 2)]), { fin: false }), frame(0, Buffer.concat([clef.subarray(2), Buffer.from("b")])));
    for (const cuts of [[], [1], [3], [5], [7]]) {
      const parts = feed(wire, cuts, PARTS) as ["fragment", boolean, string, boolean][];
      expect(parts.every((p) => p[0] === "fragment" && p[1] === false)).toBe(true);
      for (const p of parts) expect(Buffer.from(p[2], "latin1").toString("utf8")).not.toContain("\ufffd");
      expect(Buffer.from(parts.map((p) => p[2]).join(""), "latin1").toString("utf8")).toBe("a𝄞b");
      expect(parts[parts.length - 1][3]).toBe(true);
    }
  });
});

describe("limits", () => {
  test("a message over maxMessageSize fails with 1009 before it is held whole", () => {
    const calls = feed(concat(frame(2, Buffer.alloc(600), { fin: false }), frame(0, Buffer.alloc(600))), [], { ...LIMITS, maxMessageSize: 1000 });
    expect(calls).toEqual([["fail", "MESSAGE_TOO_BIG", 1009, expect.stringContaining("1000")]]);
  });

  test("more frames than maxFragments fails with 1009", () => {
    const wire = concat(frame(2, "a", { fin: false }), frame(0, "b", { fin: false }), frame(0, "c", { fin: false }), frame(0, "d"));
    expect(feed(wire, [], { ...LIMITS, maxFragments: 3 })).toEqual([["fail", "MESSAGE_TOO_BIG", 1009, "message has more than 3 fragments"]]);
  });
});

describe("failures: the right close code, and nothing after", () => {
  test.each([
    ["invalid UTF-8 in a text frame", concat(frame(1, Buffer.from([0x61, 0xc0, 0xaf])), frame(1, "after")), "INVALID_UTF8", 1007],
    ["a text message ending inside a character", concat(frame(1, Buffer.from([0xe2, 0x82]))), "INVALID_UTF8", 1007],
    ["a reserved opcode", concat(frame(3, "x"), frame(1, "after")), "PROTOCOL_ERROR", 1002],
    ["RSV1 without an extension", concat(frame(1, "x", { rsv: 4 }), frame(1, "after")), "PROTOCOL_ERROR", 1002],
    ["a masked frame from the server", concat(frame(1, "x", { mask: new Uint8Array([9, 9, 9, 9]) }), frame(1, "after")), "PROTOCOL_ERROR", 1002],
    ["a fragmented ping", concat(frame(9, "x", { fin: false }), frame(1, "after")), "PROTOCOL_ERROR", 1002],
    ["a ping over 125 bytes", concat(frame(9, Buffer.alloc(126)), frame(1, "after")), "PROTOCOL_ERROR", 1002],
    ["a continuation without a message", concat(frame(0, "x"), frame(1, "after")), "PROTOCOL_ERROR", 1002],
    ["a new message inside a fragmented one", concat(frame(1, "a", { fin: false }), frame(1, "b"), frame(1, "after")), "PROTOCOL_ERROR", 1002],
  ])("%s", (_name, wire, code, closeCode) => {
    const expected = [["fail", code, closeCode, expect.any(String)]];
    expect(feed(wire, [])).toEqual(expected);
    expect(feed(wire, Array.from({ length: wire.length }, (_, i) => i))).toEqual(expected);
  });

  test("invalid UTF-8 fails at the bad byte, before the rest of the frame arrives", () => {
    const wire = frame(1, Buffer.concat([Buffer.from([0x61, 0xff]), Buffer.alloc(1000, 0x61)]));
    const { sink, calls } = recorder();
    const receiver = new Receiver(LIMITS, false, sink);
    receiver.push(wire.subarray(0, 4 + 2)); // header (4 bytes: 16-bit length) and the first two payload bytes
    expect(calls).toEqual([["fail", "INVALID_UTF8", 1007, "text message is not valid UTF-8"]]);
    receiver.push(wire.subarray(6));
    expect(calls).toHaveLength(1);
  });

  test("a 64-bit length with its top bit set is a protocol error", () => {
    const wire = new Uint8Array([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]);
    expect(feed(wire, [])).toEqual([["fail", "PROTOCOL_ERROR", 1002, "64-bit payload length has its most significant bit set"]]);
  });

  test("after stop() nothing is delivered", () => {
    const { sink, calls } = recorder();
    const receiver = new Receiver(LIMITS, false, sink);
    receiver.push(frame(1, "one"));
    receiver.stop();
    receiver.push(frame(1, "two"));
    expect(calls).toEqual([["message", false, "one"]]);
    expect(receiver.isStopped).toBe(true);
  });
});
