/** The incremental frame decoder (modules/core/receiver.ts) on its own, fed whole, byte by byte and in random chunks. */
import { Receiver, type ReceiverLimits, type ReceiverSink } from "../../modules/core/receiver";
import { closeFrame, concat, frame } from "../support/frames";

type Call =
  | ["message", boolean, string]
  | ["fragment", boolean, string, boolean]
  | ["control", number, string]
  | ["fail", string, number, string];
type Part = ["fragment", boolean, string, boolean];

/** Bytes as a latin1 string: one character per byte, so any payload compares exactly. */
const text = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
const utf8 = (s: string) => Buffer.from(s, "utf8").toString("latin1");

const LIMITS: ReceiverLimits = { maxMessageSize: 1 << 20, maxFragments: 100, fragments: false };
const PARTS: ReceiverLimits = { ...LIMITS, fragments: true };
const MASK = new Uint8Array([0x11, 0x8e, 0x00, 0xf3]);

interface Setup {
  limits?: ReceiverLimits;
  /** Server role: frames must be masked. */
  server?: boolean;
  /** permessage-deflate agreed (allowRsv1). */
  rsv1?: boolean;
  /** Also record the `compressed` flags. */
  compressed?: boolean[];
  /** Called from the sink after each call it records (to call stop() from inside a callback). */
  after?: (receiver: Receiver, call: Call) => void;
}

function open(setup: Setup = {}): { receiver: Receiver; calls: Call[] } {
  const calls: Call[] = [];
  const record = (call: Call) => {
    calls.push(call);
    setup.after?.(receiver, call);
  };
  const sink: ReceiverSink = {
    onMessage: (binary, data, compressed) => {
      setup.compressed?.push(compressed);
      record(["message", binary, text(data)]);
    },
    onFragment: (binary, data, final, compressed) => {
      setup.compressed?.push(compressed);
      record(["fragment", binary, text(data), final]);
    },
    onControl: (opcode, payload) => record(["control", opcode, text(payload)]),
    onFail: (code, closeCode, message) => record(["fail", code, closeCode, message]),
  };
  const receiver = new Receiver(setup.limits ?? LIMITS, setup.server ?? false, sink);
  if (setup.rsv1) receiver.allowRsv1();
  return { receiver, calls };
}

/**
 * Feeds a copy of `wire` cut before each index in `cuts`; returns what the sink saw. A copy: the receiver owns what
 * it is pushed and unmasks it in place (the transport's read buffer, never read again).
 */
function feed(original: Uint8Array, cuts: number[], setup: Setup = {}): Call[] {
  const wire = original.slice();
  const { receiver, calls } = open(setup);
  let at = 0;
  for (const cut of [...cuts, wire.length]) {
    receiver.push(wire.subarray(at, cut));
    at = cut;
  }
  return calls;
}

const byteByByte = (length: number) => Array.from({ length: length - 1 }, (_, i) => i + 1);

/** Seeded (reproducible) random cut points, chunks of 1 to maxStep bytes. */
function randomCuts(length: number, seed: number, maxStep: number): number[] {
  let x = seed;
  const random = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cuts: number[] = [];
  for (let at = 1 + Math.floor(random() * maxStep); at < length; at += 1 + Math.floor(random() * maxStep)) cuts.push(at);
  return cuts;
}

/** The chunkings a stream is fed in: whole, byte by byte, cut once at each byte (short streams), 20 random ones. */
function chunkings(length: number): number[][] {
  const out: number[][] = [[], byteByByte(length)];
  if (length <= 600) for (let cut = 1; cut < length; cut++) out.push([cut]);
  else for (const cut of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, length - 2, length - 1]) out.push([cut]);
  const maxStep = length <= 600 ? 9 : 4099;
  for (let round = 0; round < 20; round++) out.push(randomCuts(length, 12345 + round, maxStep));
  return out;
}

/** Every chunking of `wire` gives `expected`. */
function expectEveryChunking(wire: Uint8Array, expected: Call[], setup: Setup = {}): void {
  for (const cuts of chunkings(wire.length)) expect(feed(wire, cuts, setup)).toEqual(expected);
}

/** Pushes `wire` one byte at a time; the index of the byte whose push brought the first failure (-1: none). */
function failingByte(wire: Uint8Array, setup: Setup = {}): { at: number; calls: Call[] } {
  const copy = wire.slice();
  const { receiver, calls } = open(setup);
  let at = -1;
  for (let i = 0; i < copy.length; i++) {
    receiver.push(copy.subarray(i, i + 1));
    if (at < 0 && calls.some((c) => c[0] === "fail")) at = i;
  }
  return { at, calls };
}

function payloadOf(length: number, seed = 3): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = x = (x * 1103515245 + 12345) & 0xff;
  return out;
}

const LENGTH_CLASSES = [0, 1, 125, 126, 127, 65535, 65536, 70001];

describe("whole messages, client role (unmasked frames)", () => {
  test.each(LENGTH_CLASSES)("a binary and a text message of %i bytes each, in every chunking", (length) => {
    const binary = payloadOf(length, length);
    const s = "aé€𝄞".repeat(Math.floor(length / 10)) + "a".repeat(length % 10); // 1 + 2 + 3 + 4 bytes a round
    expect(Buffer.byteLength(s)).toBe(length);
    const wire = concat(frame(2, binary), frame(1, s));
    expectEveryChunking(wire, [
      ["message", true, text(binary)],
      ["message", false, utf8(s)],
    ]);
  });

  test("16- and 64-bit length forms for short data payloads (not minimal) are accepted", () => {
    const wire = concat(
      frame(1, "", { lengthForm: 16 }),
      frame(1, "hi", { lengthForm: 16 }),
      frame(2, "yo", { lengthForm: 64 }),
      frame(2, payloadOf(125), { lengthForm: 16 }),
      frame(2, payloadOf(126), { lengthForm: 64 }),
    );
    expectEveryChunking(wire, [
      ["message", false, ""],
      ["message", false, "hi"],
      ["message", true, "yo"],
      ["message", true, text(payloadOf(125))],
      ["message", true, text(payloadOf(126))],
    ]);
  });

  test("text, binary and control frames in one stream, in order, whatever the chunking", () => {
    const wire = concat(
      frame(1, "héllo"),
      frame(9, "p1"),
      frame(2, new Uint8Array([1, 2, 3])),
      frame(10, ""),
      frame(9, payloadOf(125)),
      closeFrame(1000, "bye"),
    );
    expectEveryChunking(wire, [
      ["message", false, utf8("héllo")],
      ["control", 9, "p1"],
      ["message", true, "\x01\x02\x03"],
      ["control", 10, ""],
      ["control", 9, text(payloadOf(125))],
      ["control", 8, "\x03\xe8bye"],
    ]);
  });

  test("a message in frames (continuations), with control frames between them, is delivered whole once", () => {
    const wire = concat(
      frame(1, "ab", { fin: false }),
      frame(9, "x"),
      frame(0, "", { fin: false }),
      frame(0, "cd", { fin: false }),
      frame(10, "y"),
      frame(0, "e"),
      frame(2, "next"),
    );
    expectEveryChunking(wire, [
      ["control", 9, "x"],
      ["control", 10, "y"],
      ["message", false, "abcde"],
      ["message", true, "next"],
    ]);
  });

  test("a message of 2,001 frames mixing tiny and large ones is put together byte for byte", () => {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) parts.push(payloadOf(i === 700 ? 3000 : i % 5, i));
    parts.push(payloadOf(1500, 9));
    const wire = concat(...parts.map((p, i) => frame(i === 0 ? 2 : 0, p, { fin: i === parts.length - 1 })));
    const expected: Call[] = [["message", true, text(concat(...parts))]];
    const limits = { ...LIMITS, maxFragments: 5000 };
    for (const cuts of [[], byteByByte(wire.length), randomCuts(wire.length, 1, 40), randomCuts(wire.length, 2, 3000)]) {
      expect(feed(wire, cuts, { limits })).toEqual(expected);
    }
  });

  test("an empty binary or text message", () => {
    expectEveryChunking(concat(frame(2, ""), frame(1, ""), frame(1, "", { fin: false }), frame(0, "")), [
      ["message", true, ""],
      ["message", false, ""],
      ["message", false, ""],
    ]);
  });
});

describe("server role (masked frames)", () => {
  const KEYS = [MASK, new Uint8Array([1, 2, 3, 4]), new Uint8Array([0, 0, 0, 0]), new Uint8Array([0xff, 0x7f, 0x80, 0x01])];

  test.each(LENGTH_CLASSES)("a masked %i-byte binary frame is unmasked, in every chunking", (length) => {
    const payload = payloadOf(length, length + 1);
    expectEveryChunking(frame(2, payload, { mask: MASK }), [["message", true, text(payload)]], { server: true });
  });

  test("a stream of frames with different keys, fragmented and with control frames between, in every chunking", () => {
    const wire = concat(
      frame(1, "masked ", { fin: false, mask: KEYS[0] }),
      frame(9, "ping!", { mask: KEYS[1] }),
      frame(0, "tëxt", { mask: KEYS[2] }),
      frame(2, payloadOf(130), { mask: KEYS[3] }),
      frame(10, "", { mask: KEYS[1] }),
      frame(8, new Uint8Array([0x03, 0xe8]), { mask: KEYS[0] }),
    );
    expectEveryChunking(
      wire,
      [
        ["control", 9, "ping!"],
        ["message", false, utf8("masked tëxt")],
        ["message", true, text(payloadOf(130))],
        ["control", 10, ""],
        ["control", 8, "\x03\xe8"],
      ],
      { server: true },
    );
  });

  test("invalid UTF-8 is found after unmasking (the masked bytes themselves would pass)", () => {
    // 0x41 ^ 0xbe = 0xff: valid ASCII on the wire, an invalid byte once unmasked.
    const wire = frame(1, new Uint8Array([0x61, 0xff]), { mask: new Uint8Array([0, 0xbe, 0, 0]) });
    expect(wire[wire.length - 1]).toBe(0x41);
    const { at, calls } = failingByte(wire, { server: true });
    expect(calls).toEqual([["fail", "INVALID_UTF8", 1007, "text message is not valid UTF-8"]]);
    expect(at).toBe(wire.length - 1);
  });

  test("an unmasked frame from a client is a protocol error, seen at its second byte", () => {
    const { at, calls } = failingByte(concat(frame(1, "x"), frame(1, "after", { mask: MASK })), { server: true });
    expect(calls).toEqual([["fail", "PROTOCOL_ERROR", 1002, "frame from the client is not masked"]]);
    expect(at).toBe(1);
  });
});

/** The parts delivered, checked for what every chunking must give: the bytes in order, only the last one final. */
function expectParts(calls: Call[], binary: boolean, whole: string): Part[] {
  const parts = calls.filter((c): c is Part => c[0] === "fragment");
  expect(parts.length).toBeGreaterThan(0);
  expect(parts.map((p) => p[2]).join("")).toBe(whole);
  expect(parts.map((p) => p[3])).toEqual(parts.map((_, i) => i === parts.length - 1));
  expect(parts.every((p) => p[1] === binary)).toBe(true);
  return parts;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

describe("fragments: true (parts as they arrive)", () => {
  test("a message fed whole: one part per frame, control frames between them in place", () => {
    const wire = concat(frame(2, "abc", { fin: false }), frame(9, "p"), frame(0, "def"));
    expect(feed(wire, [], { limits: PARTS })).toEqual([
      ["fragment", true, "abc", false],
      ["control", 9, "p"],
      ["fragment", true, "def", true],
    ]);
    expect(feed(wire, [])).toEqual([
      ["control", 9, "p"],
      ["message", true, "abcdef"],
    ]);
  });

  test("in every chunking: the bytes in order, only the last part final, the ping after the first frame's bytes", () => {
    const wire = concat(frame(2, "abc", { fin: false }), frame(9, "p"), frame(0, "def"));
    for (const cuts of chunkings(wire.length)) {
      const calls = feed(wire, cuts, { limits: PARTS });
      expectParts(calls, true, "abcdef");
      const ping = calls.findIndex((c) => c[0] === "control");
      const before = calls.slice(0, ping) as Part[];
      expect(before.map((p) => p[2]).join("")).toBe("abc");
      expect(calls.filter((c) => c[0] !== "fragment")).toEqual([["control", 9, "p"]]);
    }
  });

  test("a single-frame message whole is one final part; empty messages give one empty final part", () => {
    expect(feed(concat(frame(1, "hi"), frame(2, ""), frame(1, "")), [], { limits: PARTS })).toEqual([
      ["fragment", false, "hi", true],
      ["fragment", true, "", true],
      ["fragment", false, "", true],
    ]);
  });

  test("an empty final continuation ends the message with an empty final part", () => {
    const wire = concat(frame(1, "ab", { fin: false }), frame(0, "", { fin: false }), frame(0, ""));
    expect(feed(wire, [], { limits: PARTS })).toEqual([
      ["fragment", false, "ab", false],
      ["fragment", false, "", true],
    ]);
  });

  test("text parts end on character boundaries: a 4-byte character split across frames arrives in one part", () => {
    const clef = Buffer.from("𝄞"); // F0 9D 84 9E
    const wire = concat(
      frame(1, Buffer.concat([Buffer.from("a"), clef.subarray(0, 1)]), { fin: false }),
      frame(0, clef.subarray(1, 3), { fin: false }),
      frame(0, Buffer.concat([clef.subarray(3), Buffer.from("b")])),
    );
    expect(feed(wire, [], { limits: PARTS })).toEqual([
      ["fragment", false, "a", false],
      ["fragment", false, "", false],
      ["fragment", false, utf8("𝄞b"), true],
    ]);
    for (const cuts of chunkings(wire.length)) {
      const parts = expectParts(feed(wire, cuts, { limits: PARTS }), false, utf8("a𝄞b"));
      for (const p of parts) expect(() => strictUtf8.decode(Buffer.from(p[2], "latin1"))).not.toThrow();
    }
  });

  test("text parts end on character boundaries when a read cuts a character inside one frame", () => {
    const s = "é€𝄞".repeat(20);
    const bytes = Buffer.from(s);
    const wire = concat(frame(1, bytes.subarray(0, 7), { fin: false }), frame(0, bytes.subarray(7))); // 7: inside 𝄞
    for (const cuts of chunkings(wire.length)) {
      const parts = expectParts(feed(wire, cuts, { limits: PARTS }), false, utf8(s));
      for (const p of parts) expect(() => strictUtf8.decode(Buffer.from(p[2], "latin1"))).not.toThrow();
    }
  });

  test("binary parts are cut where the reads are, without waiting for anything", () => {
    const wire = frame(2, new Uint8Array([0xf0, 0x9d, 0x84, 0x9e]));
    expect(feed(wire, [3, 4], { limits: PARTS })).toEqual([
      ["fragment", true, "\xf0", false],
      ["fragment", true, "\x9d", false],
      ["fragment", true, "\x84\x9e", true],
    ]);
  });

  test("a text message that ends inside a character fails with 1007 and has no final part", () => {
    const wire = concat(frame(1, Buffer.from([0x61, 0xe2]), { fin: false }), frame(0, Buffer.from([0x82])));
    for (const cuts of chunkings(wire.length)) {
      const calls = feed(wire, cuts, { limits: PARTS });
      expect(calls[calls.length - 1]).toEqual(["fail", "INVALID_UTF8", 1007, "text message ends inside a UTF-8 sequence"]);
      expect(calls.some((c) => c[0] === "fragment" && c[3])).toBe(false);
      expect(calls.filter((c) => c[0] === "fragment").map((c) => c[2]).join("")).toBe("a");
    }
  });

  test("invalid UTF-8: the part holding the bad byte is never delivered", () => {
    const wire = concat(frame(1, "ok ", { fin: false }), frame(0, Buffer.from([0x62, 0xc0, 0x63])));
    expect(feed(wire, [], { limits: PARTS })).toEqual([
      ["fragment", false, "ok ", false],
      ["fail", "INVALID_UTF8", 1007, "text message is not valid UTF-8"],
    ]);
  });
});

describe("limits", () => {
  const SMALL = { ...LIMITS, maxMessageSize: 1000 };

  test("a message of exactly maxMessageSize bytes passes, in one frame or in several", () => {
    const one = frame(2, payloadOf(1000));
    const several = concat(frame(2, payloadOf(600), { fin: false }), frame(9, "p"), frame(0, payloadOf(400)));
    expect(feed(one, [], { limits: SMALL })).toEqual([["message", true, text(payloadOf(1000))]]);
    expect(feed(several, [], { limits: SMALL })).toEqual([
      ["control", 9, "p"],
      ["message", true, text(concat(payloadOf(600), payloadOf(400)))],
    ]);
  });

  test("one byte more fails with 1009 at the header that brings it, before its payload arrives", () => {
    const wire = concat(frame(2, payloadOf(600), { fin: false }), frame(0, payloadOf(401)), frame(2, "after"));
    const expected: Call[] = [["fail", "MESSAGE_TOO_BIG", 1009, "message of 1001 bytes exceeds the limit of 1000"]];
    for (const limits of [SMALL, { ...SMALL, fragments: true }]) {
      const { at, calls } = failingByte(wire, { limits });
      expect(calls.filter((c) => c[0] !== "fragment")).toEqual(expected);
      expect(at).toBe(4 + 600 + 3); // the last byte of the second frame's 16-bit length
    }
    expect(failingByte(frame(1, payloadOf(1001)), { limits: SMALL }).at).toBe(3);
  });

  test("a 64-bit length of 2^53 bytes or more fails with 1009", () => {
    const wire = new Uint8Array([0x82, 127, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0x61]);
    const { at, calls } = failingByte(wire);
    expect(calls).toEqual([["fail", "MESSAGE_TOO_BIG", 1009, "a frame of more than 2^53 bytes"]]);
    expect(at).toBe(9);
  });

  test("a compressed message (RSV1 with permessage-deflate) may exceed the limit by DEFLATE's worst-case growth", () => {
    // Limit 1000: compressed wire bytes up to 1000 + floor(1000 / 1024) + 1024 = 2024.
    const compressed: boolean[] = [];
    expect(feed(frame(2, payloadOf(2024), { rsv: 4 }), [], { limits: SMALL, rsv1: true, compressed })).toEqual([
      ["message", true, text(payloadOf(2024))],
    ]);
    expect(compressed).toEqual([true]);
    expect(feed(frame(1, payloadOf(2025), { rsv: 4 }), [], { limits: SMALL, rsv1: true })).toEqual([
      ["fail", "MESSAGE_TOO_BIG", 1009, "compressed message of 2025 bytes exceeds the limit of 2024"],
    ]);
  });

  test("a compressed text message is not checked as UTF-8 (its bytes are DEFLATE), nor an uncompressed one after it", () => {
    const compressed: boolean[] = [];
    const wire = concat(frame(1, new Uint8Array([0xff, 0xfe]), { rsv: 4 }), frame(1, "plain"));
    expect(feed(wire, [], { rsv1: true, compressed })).toEqual([
      ["message", false, "\xff\xfe"],
      ["message", false, "plain"],
    ]);
    expect(compressed).toEqual([true, false]);
  });

  test("maxFragments frames pass (control frames between them do not count); one more fails with 1009", () => {
    const limits = { ...LIMITS, maxFragments: 3 };
    const three = concat(frame(2, "a", { fin: false }), frame(9, ""), frame(0, "b", { fin: false }), frame(0, "c"));
    expectEveryChunking(three, [["control", 9, ""], ["message", true, "abc"]], { limits });
    const four = concat(frame(2, "a", { fin: false }), frame(0, "b", { fin: false }), frame(0, "c", { fin: false }));
    const wire = concat(four, frame(0, "d"), frame(2, "after"));
    const { at, calls } = failingByte(wire, { limits });
    expect(calls).toEqual([["fail", "MESSAGE_TOO_BIG", 1009, "message has more than 3 fragments"]]);
    expect(at).toBe(four.length + 1); // the fourth frame's second byte
  });

  test("the fragment count starts again with each message", () => {
    const limits = { ...LIMITS, maxFragments: 2 };
    const wire = concat(frame(1, "a", { fin: false }), frame(0, "b"), frame(1, "c", { fin: false }), frame(0, "d"));
    expectEveryChunking(wire, [["message", false, "ab"], ["message", false, "cd"]], { limits });
  });
});

describe("invalid UTF-8: 1007 as soon as the bad byte is seen", () => {
  const isUtf8 = (bytes: Uint8Array) => {
    try {
      strictUtf8.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };

  test.each([
    ["a byte that never starts a character", [0x61, 0xff], 1],
    ["an overlong lead byte", [0x61, 0xc0, 0xaf], 1],
    ["an overlong 3-byte form", [0xe0, 0x80, 0x80], 1],
    ["a surrogate", [0x61, 0xed, 0xa0, 0x80], 2],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 1],
    ["a lead byte where a continuation is due", [0xe2, 0x82, 0x41], 2],
    ["a continuation byte with no lead", [0x61, 0x80], 1],
  ])("%s, fed byte by byte, with or without a native checker", (_name, bytes, bad) => {
    const payload = new Uint8Array([...bytes, 0x61, 0x62]);
    for (const limits of [LIMITS, { ...LIMITS, isUtf8 }, PARTS]) {
      const wire = concat(frame(1, payload), frame(1, "after"));
      const { at, calls } = failingByte(wire, { limits });
      expect(calls.filter((c) => c[0] !== "fragment")).toEqual([
        ["fail", "INVALID_UTF8", 1007, "text message is not valid UTF-8"],
      ]);
      expect(at).toBe(2 + bad);
    }
  });

  test("a bad byte deep in a large piece fails there with the native checker too, before the rest arrives", () => {
    const payload = Buffer.alloc(5000, 0x61);
    payload[3000] = 0xff;
    const wire = frame(1, payload);
    for (const limits of [LIMITS, { ...LIMITS, isUtf8 }]) {
      const { receiver, calls } = open({ limits });
      receiver.push(wire.slice(0, 4 + 3000));
      expect(calls).toEqual([]);
      receiver.push(wire.slice(4 + 3000, 4 + 3001));
      expect(calls).toEqual([["fail", "INVALID_UTF8", 1007, "text message is not valid UTF-8"]]);
      receiver.push(wire.slice(4 + 3001));
      expect(calls).toHaveLength(1);
    }
  });

  test("valid text with every character width passes the native checker, split anywhere", () => {
    const s = "aé€𝄞".repeat(100);
    expectEveryChunking(frame(1, s), [["message", false, utf8(s)]], { limits: { ...LIMITS, isUtf8 } });
  });

  test("a bad byte in a continuation frame fails at that byte", () => {
    const first = frame(1, "fine", { fin: false });
    const wire = concat(first, frame(0, new Uint8Array([0x62, 0xfe])), frame(1, "after"));
    const { at, calls } = failingByte(wire);
    expect(calls).toEqual([["fail", "INVALID_UTF8", 1007, "text message is not valid UTF-8"]]);
    expect(at).toBe(first.length + 3);
  });

  test("a text message ending inside a character fails when its last frame ends", () => {
    const wire = concat(frame(1, new Uint8Array([0x61, 0xe2, 0x82])), frame(1, "after"));
    const { at, calls } = failingByte(wire);
    expect(calls).toEqual([["fail", "INVALID_UTF8", 1007, "text message ends inside a UTF-8 sequence"]]);
    expect(at).toBe(4);
  });

  test("binary messages are not checked", () => {
    expect(feed(frame(2, new Uint8Array([0xff, 0xc0])), [])).toEqual([["message", true, "\xff\xc0"]]);
  });
});

describe("protocol errors: 1002 at the first byte that shows them, and nothing after", () => {
  const AFTER = frame(1, "after");
  const protocolErrors: [string, Uint8Array, string, number, Setup?][] = [
    ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map(
      (op): [string, Uint8Array, string, number] => [`reserved opcode 0x${op.toString(16)}`, frame(op, "x"), `reserved opcode 0x${op.toString(16)}`, 1],
    ),
    ["RSV1 without an extension", frame(1, "x", { rsv: 4 }), "reserved bits set (RSV1) without a negotiated extension", 1],
    ["RSV2", frame(2, "x", { rsv: 2 }), "reserved bits set (RSV2) without a negotiated extension", 1],
    ["RSV3", frame(2, "x", { rsv: 1 }), "reserved bits set (RSV3) without a negotiated extension", 1],
    ["all three RSV bits", frame(2, "x", { rsv: 7 }), "reserved bits set (RSV123) without a negotiated extension", 1],
    ["RSV2 with deflate agreed", frame(2, "x", { rsv: 2 }), "reserved bits set (RSV2) without a negotiated extension", 1, { rsv1: true }],
    ["RSV1 on a ping with deflate agreed", frame(9, "x", { rsv: 4 }), "reserved bits set (RSV1) without a negotiated extension", 1, { rsv1: true }],
    ["a masked frame from the server", frame(1, "x", { mask: MASK }), "frame from the server is masked", 1],
    ["a fragmented ping", frame(9, "x", { fin: false }), "fragmented control frame", 1],
    ["a fragmented pong", frame(10, "", { fin: false }), "fragmented control frame", 1],
    ["a fragmented close", frame(8, "", { fin: false }), "fragmented control frame", 1],
    ["a ping of 126 bytes", frame(9, payloadOf(126)), "control frame payload longer than 125 bytes", 1],
    ["a close with a 64-bit length", frame(8, "", { lengthForm: 64 }), "control frame payload longer than 125 bytes", 1],
    // A control frame's length must fit the 7-bit form, so a non-minimal 16-bit form is refused like a long one.
    ["a pong with a 16-bit length", frame(10, "a", { lengthForm: 16 }), "control frame payload longer than 125 bytes", 1],
    ["a continuation without a message", frame(0, "x"), "continuation frame without a message to continue", 1],
    ["a 64-bit length with its top bit set", new Uint8Array([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x61]), "64-bit payload length has its most significant bit set", 9],
  ];

  test.each(protocolErrors)("%s", (_name, bad, message, at, setup = {}) => {
    const wire = concat(bad, AFTER, closeFrame(1000));
    const expected: Call[] = [["fail", "PROTOCOL_ERROR", 1002, message]];
    for (const cuts of chunkings(wire.length)) expect(feed(wire, cuts, setup)).toEqual(expected);
    const byte = failingByte(wire, setup);
    expect(byte.calls).toEqual(expected);
    expect(byte.at).toBe(at);
  });

  test("RSV1 on a continuation frame fails even with deflate agreed (it marks a message's first frame only)", () => {
    const first = frame(1, "a", { fin: false, rsv: 4 });
    const wire = concat(first, frame(0, "b", { rsv: 4 }), AFTER);
    const { at, calls } = failingByte(wire, { rsv1: true });
    expect(calls).toEqual([["fail", "PROTOCOL_ERROR", 1002, "reserved bits set (RSV1) without a negotiated extension"]]);
    expect(at).toBe(first.length + 1); // its second header byte: both are needed to judge a frame
  });

  test.each([
    ["text", 1],
    ["binary", 2],
  ])("a new %s frame inside a fragmented message", (_name, opcode) => {
    const first = concat(frame(1, "a", { fin: false }), frame(9, ""), frame(0, "b", { fin: false }));
    const wire = concat(first, frame(opcode, "c"), AFTER);
    const expected: Call[] = [
      ["control", 9, ""],
      ["fail", "PROTOCOL_ERROR", 1002, "new data frame inside a fragmented message"],
    ];
    for (const cuts of chunkings(wire.length)) expect(feed(wire, cuts)).toEqual(expected);
    expect(failingByte(wire).at).toBe(first.length + 1);
  });

  test("after a failure the receiver is stopped, and later pushes deliver nothing", () => {
    const { receiver, calls } = open();
    expect(receiver.isStopped).toBe(false);
    receiver.push(concat(frame(1, "before"), frame(3, ""), frame(1, "same read")));
    expect(receiver.isStopped).toBe(true);
    receiver.push(frame(1, "later"));
    receiver.push(frame(3, "another bad one"));
    expect(calls).toEqual([
      ["message", false, "before"],
      ["fail", "PROTOCOL_ERROR", 1002, "reserved opcode 0x3"],
    ]);
  });
});

describe("stop()", () => {
  test("after stop() nothing is delivered", () => {
    const { receiver, calls } = open();
    receiver.push(frame(1, "one"));
    receiver.stop();
    expect(receiver.isStopped).toBe(true);
    receiver.push(frame(1, "two"));
    receiver.push(frame(3, "bad"));
    expect(calls).toEqual([["message", false, "one"]]);
  });

  test("stop() in the middle of a frame or a fragmented message drops what was held", () => {
    const wire = concat(frame(1, "ab", { fin: false }), frame(0, "cdef"));
    for (let cut = 1; cut < wire.length; cut++) {
      const { receiver, calls } = open();
      receiver.push(wire.slice(0, cut));
      receiver.stop();
      receiver.push(wire.slice(cut));
      expect(calls).toEqual([]);
    }
  });

  test("stop() from the sink on a close frame ends the read there: frames after it in the same read are not seen", () => {
    const wire = concat(frame(1, "hi"), closeFrame(1000, "done"), frame(1, "after"), frame(3, ""));
    const after = (receiver: Receiver, call: Call) => {
      if (call[0] === "control" && call[1] === 8) receiver.stop();
    };
    expectEveryChunking(
      wire,
      [
        ["message", false, "hi"],
        ["control", 8, "\x03\xe8done"],
      ],
      { after },
    );
  });

  test("stop() from the sink on a message ends the read there", () => {
    const wire = concat(frame(2, "one"), frame(2, "two"));
    const after = (receiver: Receiver) => receiver.stop();
    expect(feed(wire, [], { after })).toEqual([["message", true, "one"]]);
  });
});
