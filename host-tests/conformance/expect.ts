/** Short builders for the expectations the cases share. */
import type { ErrorCode } from "../../node/index";
import type { Expectation, ExpectedFrame } from "./case";
import { OP, utf8, type Bytes } from "./wire";

export const echoText = (payload: Bytes | string): ExpectedFrame =>
  ({ opcode: OP.TEXT, payload: typeof payload === "string" ? utf8(payload) : payload });
export const echoBinary = (payload: Bytes): ExpectedFrame => ({ opcode: OP.BINARY, payload });
export const pongOf = (payload: Bytes | string = new Uint8Array(0)): ExpectedFrame =>
  ({ opcode: OP.PONG, payload: typeof payload === "string" ? utf8(payload) : payload });

/** The server closes with 1000 at the end; the client echoes it and the close is clean. */
export function closesNormally(frames: ExpectedFrame[] = [], lenientFrames?: ExpectedFrame[][]): Expectation {
  return { frames, lenientFrames, wireClose: 1000, user: { code: 1000, wasClean: true } };
}

/**
 * The client fails the connection: its close frame carries `closeCode`, the
 * user sees one error with `code` and a message matching `message`, then
 * onClose(closeCode, ..., wasClean=false).
 */
export function fails(frames: ExpectedFrame[], closeCode: number, code: ErrorCode, message: RegExp): Expectation {
  return { frames, wireClose: closeCode, user: { code: closeCode, wasClean: false }, error: { code, message } };
}

export const protocolError = (frames: ExpectedFrame[], message: RegExp): Expectation =>
  fails(frames, 1002, "PROTOCOL_ERROR", message);

export const invalidUtf8 = (frames: ExpectedFrame[] = []): Expectation =>
  fails(frames, 1007, "INVALID_UTF8", /text message (is not valid UTF-8|ends inside a UTF-8 sequence)/);

/** Deterministic filler of exactly `size` bytes; text filler mixes in 2- and 3-byte characters. */
export function filler(size: number, asText: boolean): Bytes {
  const out = new Uint8Array(size);
  if (!asText) {
    let x = 0x2545f491;
    for (let i = 0; i < size; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 0xff; }
    return out;
  }
  const unit = utf8("Hello κόσμε ✓ 0123456789 ");
  let at = 0;
  while (at + unit.length <= size) { out.set(unit, at); at += unit.length; }
  out.fill(0x2a, at); // '*'
  return out;
}
