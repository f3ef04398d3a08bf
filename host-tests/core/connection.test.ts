import { WebSocketError } from "../../modules/core/errors";
import { encodeFrame } from "../../modules/core/frame";
import { closeFrame, concat, frame, parseFrames } from "../support/frames";
import { openCore, response101, startCore } from "../support/open-core";

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

/** Feed a stream one byte at a time, and also whole, and expect the same events. */
function feedBothWays(stream: Uint8Array, options: Parameters<typeof openCore>[0] = {}) {
  const whole = openCore(options);
  whole.conn.receive(stream);
  const single = openCore(options);
  for (let i = 0; i < stream.length; i++) single.conn.receive(stream.subarray(i, i + 1));
  const strip = (evs: unknown[]) => evs.map((e) => (Array.isArray(e) && e[0] === "error" ? ["error", (e[1] as Error).message] : e));
  expect(strip(single.rec.events)).toEqual(strip(whole.rec.events));
  expect(Buffer.concat(single.rec.written.map((w) => parseFrames(w).frames.map((f) => Buffer.concat([Buffer.from([f.opcode]), f.payload])) ).flat()))
    .toEqual(Buffer.concat(whole.rec.written.map((w) => parseFrames(w).frames.map((f) => Buffer.concat([Buffer.from([f.opcode]), f.payload]))).flat()));
  return whole;
}

function sentFrames(rec: { written: Uint8Array[] }) {
  return rec.written.flatMap((w) => parseFrames(w).frames);
}

describe("frames from the server", () => {
  test.each([0, 1, 125, 126, 127, 65535, 65536, 100000])("text and binary of %i bytes, whole and one byte at a time", (n) => {
    const text = "é".repeat(Math.floor(n / 2)) + (n % 2 ? "a" : "");
    const bin = new Uint8Array(n).map((_, i) => i & 255);
    const { rec } = feedBothWays(concat(frame(1, text), frame(2, bin)));
    expect(rec.of("message")).toEqual([["message", text, false], ["message", bin, true]]);
  });

  test("16- and 64-bit length forms are accepted even for short payloads", () => {
    const { rec } = feedBothWays(concat(frame(1, "hi", { lengthForm: 16 }), frame(1, "yo", { lengthForm: 64 })));
    expect(rec.of("message").map((m) => m[1])).toEqual(["hi", "yo"]);
  });

  test("a fragmented message with pings between fragments", () => {
    const stream = concat(frame(1, "Hel", { fin: false }), frame(9, "p1"), frame(0, "lo ", { fin: false }), frame(9, ""), frame(0, "wörld"));
    const { rec } = feedBothWays(stream);
    expect(rec.of("message")).toEqual([["message", "Hello wörld", false]]);
    expect(rec.of("ping").map((p) => Buffer.from(p[1]).toString())).toEqual(["p1", ""]);
  });

  test("every ping is answered with a pong carrying its payload, in order", () => {
    const { conn, rec } = openCore();
    conn.receive(concat(frame(9, "a"), frame(9, new Uint8Array(125).fill(7)), frame(9, "")));
    const pongs = sentFrames(rec);
    expect(pongs.map((f) => [f.opcode, f.masked, f.payload.length])).toEqual([[10, true, 1], [10, true, 125], [10, true, 0]]);
    expect(pongs[1].payload.every((b) => b === 7)).toBe(true);
  });

  test("an unsolicited pong is reported and not answered", () => {
    const { conn, rec } = openCore();
    conn.receive(frame(10, "x"));
    expect(rec.of("pong")).toHaveLength(1);
    expect(rec.written).toHaveLength(0);
  });

  test("a UTF-8 character split across fragments is valid", () => {
    const euro = Buffer.from("€");
    const { rec } = feedBothWays(concat(frame(1, euro.subarray(0, 1), { fin: false }), frame(0, euro.subarray(1))));
    expect(rec.of("message")).toEqual([["message", "€", false]]);
  });

  test("streaming mode delivers parts as they arrive, text on character boundaries", () => {
    const { conn, rec } = openCore({ fragments: true });
    const f = frame(1, "aé€b");
    for (let i = 0; i < f.length; i++) conn.receive(f.subarray(i, i + 1));
    const parts = rec.of("fragment");
    expect(parts.map((p) => p[1]).join("")).toBe("aé€b");
    expect(parts[parts.length - 1][3]).toBe(true);
    expect(parts.slice(0, -1).every((p) => p[3] === false)).toBe(true);
    expect(rec.of("message")).toHaveLength(0);
  });

  test("streaming mode across fragments ends with final true once", () => {
    const { conn, rec } = openCore({ fragments: true });
    conn.receive(concat(frame(2, new Uint8Array([1, 2]), { fin: false }), frame(0, new Uint8Array([3]), { fin: false }), frame(0, new Uint8Array(0))));
    expect(rec.of("fragment").map((p) => [Array.from(p[1] as Uint8Array), p[3]])).toEqual([[[1, 2], false], [[3], false], [[], true]]);
  });
});

describe("protocol violations close with the right code and one error", () => {
  test.each([
    ["RSV1 set", frame(1, "x", { rsv: 4 }), 1002, "PROTOCOL_ERROR", /reserved bits set \(RSV1\)/],
    ["RSV2 set", frame(1, "x", { rsv: 2 }), 1002, "PROTOCOL_ERROR", /RSV2/],
    ["RSV3 set", frame(1, "x", { rsv: 1 }), 1002, "PROTOCOL_ERROR", /RSV3/],
    ["reserved data opcode 3", frame(3, "x"), 1002, "PROTOCOL_ERROR", /reserved opcode 0x3/],
    ["reserved control opcode 0xB", frame(11, "x"), 1002, "PROTOCOL_ERROR", /reserved opcode 0xb/],
    ["masked server frame", frame(1, "x", { mask: new Uint8Array([1, 2, 3, 4]) }), 1002, "PROTOCOL_ERROR", /frame from the server is masked/],
    ["fragmented ping", frame(9, "x", { fin: false }), 1002, "PROTOCOL_ERROR", /fragmented control frame/],
    ["ping of 126 bytes", frame(9, new Uint8Array(126)), 1002, "PROTOCOL_ERROR", /longer than 125/],
    ["continuation without start", frame(0, "x"), 1002, "PROTOCOL_ERROR", /continuation frame without a message/],
    ["new message inside a fragmented one", concat(frame(1, "a", { fin: false }), frame(1, "b")), 1002, "PROTOCOL_ERROR", /new data frame inside a fragmented message/],
    ["invalid UTF-8 text", frame(1, new Uint8Array([0xce, 0xba, 0xed, 0xa0, 0x80])), 1007, "INVALID_UTF8", /not valid UTF-8/],
    ["text ending inside a character", frame(1, new Uint8Array([0xe2, 0x82])), 1007, "INVALID_UTF8", /ends inside a UTF-8 sequence/],
    ["close with 1-byte body", frame(8, new Uint8Array([3])), 1002, "PROTOCOL_ERROR", /1-byte body/],
    ["close with code 999", closeFrame(999), 1002, "PROTOCOL_ERROR", /invalid code 999/],
    ["close with code 1005", closeFrame(1005), 1002, "PROTOCOL_ERROR", /invalid code 1005/],
    ["close with code 1006", closeFrame(1006), 1002, "PROTOCOL_ERROR", /invalid code 1006/],
    ["close with code 1015", closeFrame(1015), 1002, "PROTOCOL_ERROR", /invalid code 1015/],
    ["close with code 2000", closeFrame(2000), 1002, "PROTOCOL_ERROR", /invalid code 2000/],
    ["close with code 5000", closeFrame(5000), 1002, "PROTOCOL_ERROR", /invalid code 5000/],
    ["close with invalid UTF-8 reason", concat(frame(8, new Uint8Array([0x03, 0xe8, 0xff]))), 1007, "INVALID_UTF8", /close reason is not valid UTF-8/],
  ])("%s", (_name, stream, closeCode, errorCode, message) => {
    const { rec } = feedBothWays(stream as Uint8Array);
    const errors = rec.of("error");
    expect(errors).toHaveLength(1);
    expect(errors[0][1].code).toBe(errorCode);
    expect(errors[0][1].closeCode).toBe(closeCode);
    expect(errors[0][1].message).toMatch(message as RegExp);
    const sent = sentFrames(rec);
    const close = sent[sent.length - 1];
    expect(close.opcode).toBe(8);
    expect(close.payload.readUInt16BE(0)).toBe(closeCode);
    expect(rec.of("shutdown")).toEqual([["shutdown", true]]);
    expect(rec.of("message")).toHaveLength(0);
  });

  test("invalid UTF-8 fails before the rest of the frame arrives", () => {
    const { conn, rec } = openCore();
    const f = frame(1, new Uint8Array([0x61, 0xff, ...new Array(1000).fill(0x61)]));
    conn.receive(f.subarray(0, 6)); // header(4) + 'a' + 0xff
    expect(rec.of("error")[0]?.[1].code).toBe("INVALID_UTF8");
  });

  test("a bad header fails at its second byte, before the length arrives", () => {
    const { conn, rec } = openCore();
    conn.receive(new Uint8Array([0x81 | 0x40, 127]));
    expect(rec.of("error")[0]?.[1].code).toBe("PROTOCOL_ERROR");
  });

  test("nothing after a bad frame is processed", () => {
    const { conn, rec } = openCore();
    conn.receive(concat(frame(1, "ok"), frame(1, "x", { rsv: 4 }), frame(1, "after"), frame(9, "p")));
    expect(rec.of("message").map((m) => m[1])).toEqual(["ok"]);
    expect(rec.of("ping")).toHaveLength(0);
  });

  test.each([
    ["one frame over the limit", { maxMessageSize: 100 }, frame(2, new Uint8Array(101)), /101 bytes exceeds the limit of 100/],
    ["fragments adding up over the limit", { maxMessageSize: 100 }, concat(frame(2, new Uint8Array(60), { fin: false }), frame(0, new Uint8Array(60))), /120 bytes exceeds/],
    ["too many fragments", { maxFragments: 3 }, concat(frame(2, "a", { fin: false }), frame(0, "b", { fin: false }), frame(0, "c", { fin: false }), frame(0, "d")), /more than 3 fragments/],
  ])("limits: %s closes with 1009", (_n, options, stream, message) => {
    const { conn, rec } = openCore(options);
    conn.receive(stream);
    expect(rec.of("error").map((e) => [e[1].code, e[1].closeCode])).toEqual([["MESSAGE_TOO_BIG", 1009]]);
    expect(rec.of("error")[0][1].message).toMatch(message);
    expect(sentFrames(rec).pop()?.payload.readUInt16BE(0)).toBe(1009);
  });

  test("a 64-bit length with its top bit set is a protocol error", () => {
    const { conn, rec } = openCore();
    conn.receive(new Uint8Array([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]));
    expect(rec.of("error")[0][1].message).toMatch(/most significant bit/);
  });
});

describe("closing handshake", () => {
  test("a received close is echoed with the same code and the connection ends cleanly", () => {
    const { conn, rec } = openCore();
    conn.receive(closeFrame(4001, "done"));
    const sent = sentFrames(rec);
    expect(sent).toHaveLength(1);
    expect(sent[0].opcode).toBe(8);
    expect(sent[0].payload.readUInt16BE(0)).toBe(4001);
    expect(rec.of("shutdown")).toEqual([["shutdown", true]]);
    conn.transportClosed();
    expect(rec.of("closed")).toEqual([["closed", 4001, "done", true]]);
  });

  test("an empty close is answered with an empty close and reports 1005", () => {
    const { conn, rec } = openCore();
    conn.receive(closeFrame());
    expect(sentFrames(rec)[0].payload).toHaveLength(0);
    conn.transportClosed();
    expect(rec.of("closed")).toEqual([["closed", 1005, "", true]]);
  });

  test("data, pings and closes after the peer's close are ignored", () => {
    const { conn, rec } = openCore();
    conn.receive(concat(closeFrame(1000), frame(1, "late"), frame(9, "p"), closeFrame(1001)));
    expect(rec.of("message")).toHaveLength(0);
    expect(rec.of("ping")).toHaveLength(0);
    expect(sentFrames(rec)).toHaveLength(1);
  });

  test("our close: state CLOSING, nothing more sent, peer's answer makes it clean", () => {
    const { conn, rec } = openCore();
    conn.close(1000, "bye");
    expect(conn.state).toBe(2);
    expect(conn.send("after")).toBe(false);
    expect(conn.ping()).toBe(false);
    conn.receive(frame(1, "still delivered"));
    conn.receive(closeFrame(1000, "bye"));
    expect(sentFrames(rec).map((f) => f.opcode)).toEqual([8]);
    expect(rec.of("message").map((m) => m[1])).toEqual(["still delivered"]);
    conn.transportClosed();
    expect(rec.of("closed")).toEqual([["closed", 1000, "bye", true]]);
  });

  test("close timeout drops the transport, reports the owner's CLOSE_TIMEOUT error, then 1006, not clean", () => {
    const { conn, rec } = openCore();
    conn.close(1000);
    const timeout = new WebSocketError("CLOSE_TIMEOUT", "no close frame in time", { closeCode: 1006 });
    conn.closeTimedOut(timeout);
    expect(rec.of("shutdown")).toEqual([["shutdown", false]]);
    expect(rec.of("error").map((e) => e[1])).toEqual([timeout]);
    conn.transportClosed();
    expect(rec.of("error")).toHaveLength(1);
    expect(rec.of("closed")).toEqual([["closed", 1006, "close handshake timed out", false]]);
  });

  test("close timeout after the peer's close frame (only its TCP close was slow): no error, still clean", () => {
    const { conn, rec } = openCore();
    conn.close(1000);
    conn.receive(closeFrame(1000, "bye"));
    conn.closeTimedOut(new WebSocketError("CLOSE_TIMEOUT", "no close frame in time", { closeCode: 1006 }));
    conn.transportClosed();
    expect(rec.of("error")).toEqual([]);
    expect(rec.of("closed")).toEqual([["closed", 1000, "bye", true]]);
  });

  test("close timeout after a protocol error: the protocol error stays the only error", () => {
    const { conn, rec } = openCore();
    conn.receive(Uint8Array.of(0x83, 0x00)); // reserved opcode: we send 1002 and wait
    conn.closeTimedOut(new WebSocketError("CLOSE_TIMEOUT", "no close frame in time", { closeCode: 1006 }));
    conn.transportClosed();
    expect(rec.of("error").map((e) => e[1].code)).toEqual(["PROTOCOL_ERROR"]);
  });

  test("transport lost without a close handshake gives 1006 and wasClean false", () => {
    const { conn, rec } = openCore();
    conn.transportClosed();
    expect(rec.of("closed")).toEqual([["closed", 1006, "", false]]);
    expect(rec.of("error").map((e) => [e[1].code, e[1].message])).toEqual([["CONNECTION_LOST", "connection closed without a close frame"]]);
  });

  test.each([
    [999, "INVALID_CLOSE_CODE"], [1001, "INVALID_CLOSE_CODE"], [1005, "INVALID_CLOSE_CODE"], [2999, "INVALID_CLOSE_CODE"],
    [5000, "INVALID_CLOSE_CODE"], [1000.5, "INVALID_CLOSE_CODE"],
  ])("close(%p) throws %s and sends nothing", (c, code) => {
    const { conn, rec } = openCore();
    expect(() => conn.close(c)).toThrow(expect.objectContaining({ code }));
    expect(rec.written).toHaveLength(0);
    expect(conn.state).toBe(1);
  });

  test("close reasons: 123 bytes allowed, 124 refused, multi-byte counted in bytes", () => {
    const { conn, rec } = openCore();
    expect(() => conn.close(1000, "é".repeat(62))).toThrow(expect.objectContaining({ code: "INVALID_CLOSE_REASON" }));
    expect(rec.written).toHaveLength(0);
    conn.close(4999, "a".repeat(123));
    expect(sentFrames(rec)[0].payload).toHaveLength(125);
  });

  test("protocol codes are allowed when asked (seed 001 closes with 1002)", () => {
    const { conn, rec } = openCore();
    conn.close(1002, "protocol error", true);
    expect(sentFrames(rec)[0].payload.readUInt16BE(0)).toBe(1002);
  });
});

describe("frames we send", () => {
  test("are masked with a fresh key each time and carry the data", () => {
    const { conn, rec } = openCore();
    conn.send("hello");
    conn.send("hello");
    conn.send(new Uint8Array(70000).fill(9));
    const raw = rec.written;
    const keys = raw.slice(0, 2).map((w) => Buffer.from(w.subarray(2, 6)).toString("hex"));
    expect(keys[0]).not.toBe(keys[1]);
    const frames = sentFrames(rec);
    expect(frames.map((f) => [f.opcode, f.fin, f.masked, f.payload.length])).toEqual([[1, true, true, 5], [1, true, true, 5], [2, true, true, 70000]]);
    expect(frames[2].payload.every((b) => b === 9)).toBe(true);
  });

  test("encodeFrame masks correctly at every length around the word-wise threshold", () => {
    for (let n = 0; n < 80; n++) {
      const payload = new Uint8Array(n).map((_, i) => (i * 7) & 255);
      const out = encodeFrame(2, true, payload, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
      expect(Array.from(parseFrames(out).frames[0].payload)).toEqual(Array.from(payload));
    }
  });

  test("encodeFrame masks large payloads while copying them, at every alignment of payload and tail", () => {
    const key = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
    for (const n of [1023, 1024, 1025, 1026, 1027, 65535, 65536, 70001]) {
      for (let offset = 0; offset < 4; offset++) {
        const backing = new Uint8Array(n + offset).map((_, i) => (i * 31 + 7) & 255);
        const payload = backing.subarray(offset);
        const out = encodeFrame(2, true, payload, key);
        const parsed = parseFrames(out).frames[0];
        expect(parsed.masked).toBe(true);
        expect(Buffer.from(parsed.payload).equals(Buffer.from(payload))).toBe(true);
        expect(Array.from(payload.subarray(0, 4))).toEqual(Array.from(backing.subarray(offset, offset + 4)));
      }
    }
  });

  test("sendFrame checks the sequence", () => {
    const { conn, rec } = openCore();
    expect(() => conn.sendFrame(true, 0, "x")).toThrow(/continuation frame without a started message/);
    expect(() => conn.sendFrame(true, 3, "x")).toThrow(/reserved/);
    expect(() => conn.sendFrame(true, 16, "x")).toThrow(/not in 0x0-0xF/);
    expect(() => conn.sendFrame(false, 9, "x")).toThrow(/cannot be fragmented/);
    expect(() => conn.sendFrame(true, 9, "x".repeat(126))).toThrow(/at most 125/);
    conn.sendFrame(false, 1, "a");
    expect(() => conn.sendFrame(true, 1, "b")).toThrow(/cannot start inside an unfinished/);
    expect(() => conn.send("c")).toThrow(/not finished/);
    conn.sendFrame(true, 9, "ping between");
    conn.sendFrame(true, 0, "z");
    conn.send("whole");
    expect(sentFrames(rec).map((f) => [f.fin, f.opcode, f.payload.toString()])).toEqual([
      [false, 1, "a"], [true, 9, "ping between"], [true, 0, "z"], [true, 1, "whole"]]);
  });
});

describe("opening handshake in the core", () => {
  test("frames in the same read as the 101 are delivered", () => {
    const { conn, rec, key } = startCore();
    conn.receive(concat(bytes(response101(key)), frame(1, "early")));
    expect(rec.of("open")).toHaveLength(1);
    expect(rec.of("message")).toEqual([["message", "early", false]]);
  });

  test("a refused handshake reports one error, drops the transport and closes 1006", () => {
    const { conn, rec } = startCore();
    conn.receive(bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    expect(rec.of("error").map((e) => [e[1].code, e[1].status])).toEqual([["HANDSHAKE_FAILED", 404]]);
    expect(rec.of("shutdown")).toEqual([["shutdown", false]]);
    conn.transportClosed();
    expect(rec.of("closed")).toEqual([["closed", 1006, "", false]]);
  });

  test("the negotiated subprotocol is reported", () => {
    const { conn, rec, key } = startCore({ protocols: ["a", "b"] });
    conn.receive(bytes(response101(key, "Sec-WebSocket-Protocol: b\r\n")));
    expect(rec.of("open")).toEqual([["open", "b", ""]]);
  });
});
