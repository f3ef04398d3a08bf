import { WebSocketError } from "./errors";
import { encodeUtf8, isValidUtf8, decodeUtf8 } from "./utf8";

export const CLOSE = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  INVALID_DATA: 1007,
  POLICY: 1008,
  TOO_BIG: 1009,
  MISSING_EXTENSION: 1010,
  INTERNAL_ERROR: 1011,
} as const);

export const MAX_CLOSE_REASON = 123;

/** Codes a peer may put on the wire (RFC 6455 7.4 and the IANA registry). */
export function isValidWireCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/**
 * Check the arguments of close(). By default only what an application may
 * send (1000, 3000-4999, as browsers allow); `anyWireCode` also allows the
 * protocol codes (seed 001 closes with 1002).
 */
export function closeBody(
  code: number | undefined,
  reason: string | undefined,
  anyWireCode = false,
  encode: (text: string) => Uint8Array = encodeUtf8,
): Uint8Array {
  if (code === undefined) {
    if (reason !== undefined && reason !== "") {
      throw new WebSocketError("INVALID_CLOSE_CODE", "a close reason needs a close code");
    }
    return new Uint8Array(0);
  }
  if (
    typeof code !== "number" ||
    !Number.isInteger(code) ||
    !(code === 1000 || (code >= 3000 && code <= 4999) || (anyWireCode && isValidWireCode(code)))
  ) {
    throw new WebSocketError(
      "INVALID_CLOSE_CODE",
      `close code ${String(code)} is not allowed (use 1000 or ` +
        `3000-4999${anyWireCode ? ", or a registered protocol code" : ""})`,
    );
  }
  const text = reason === undefined ? new Uint8Array(0) : encode(String(reason));
  if (text.length > MAX_CLOSE_REASON) {
    throw new WebSocketError(
      "INVALID_CLOSE_REASON",
      `close reason is ${text.length} bytes of UTF-8; at most ${MAX_CLOSE_REASON} are allowed`,
    );
  }
  return encodeCloseBody(code, text);
}

/** A close frame's body from a checked code and reason bytes: the one place that lays it out (RFC 6455 5.5.1). */
export function encodeCloseBody(code: number, reason: Uint8Array): Uint8Array {
  const body = new Uint8Array(2 + reason.length);
  body[0] = code >>> 8;
  body[1] = code & 0xff;
  body.set(reason, 2);
  return body;
}

export type ParsedClose =
  | { ok: true; code: number; reason: string }
  | { ok: false; error: "PROTOCOL_ERROR" | "INVALID_UTF8"; closeCode: number; message: string };

/** Read a received close frame's body. */
export function parseCloseBody(payload: Uint8Array, decode: (bytes: Uint8Array) => string = decodeUtf8): ParsedClose {
  if (payload.length === 0) return { ok: true, code: CLOSE.NO_STATUS, reason: "" };
  if (payload.length === 1) {
    return {
      ok: false,
      error: "PROTOCOL_ERROR",
      closeCode: CLOSE.PROTOCOL_ERROR,
      message: "close frame with a 1-byte body",
    };
  }
  const code = (payload[0] << 8) | payload[1];
  if (!isValidWireCode(code)) {
    return {
      ok: false,
      error: "PROTOCOL_ERROR",
      closeCode: CLOSE.PROTOCOL_ERROR,
      message: `close frame with invalid code ${code}`,
    };
  }
  const reasonBytes = payload.subarray(2);
  if (!isValidUtf8(reasonBytes)) {
    return {
      ok: false,
      error: "INVALID_UTF8",
      closeCode: CLOSE.INVALID_DATA,
      message: "close reason is not valid UTF-8",
    };
  }
  return { ok: true, code, reason: reasonBytes.length ? decode(reasonBytes) : "" };
}
