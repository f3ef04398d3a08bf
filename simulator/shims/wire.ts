/**
 * The message format on the simulator's pipes, in both directions: a JSON
 * header, a newline, then raw bytes (socket data, random bytes, message
 * payloads). Used by the Node parent and, bundled, by the XS worker, so it
 * touches nothing but TextEncoder/TextDecoder (both engines have them).
 */
export type WireHeader = { [key: string]: unknown };

export interface WireMessage {
  header: WireHeader;
  body: Uint8Array;
}

const NEWLINE = 0x0a;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeWire(header: WireHeader, body?: Uint8Array): Uint8Array {
  // JSON.stringify escapes control characters, so the header holds no raw newline.
  const head = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(head.length + 1 + (body ? body.length : 0));
  out.set(head, 0);
  out[head.length] = NEWLINE;
  if (body) out.set(body, head.length + 1);
  return out;
}

export function decodeWire(bytes: Uint8Array): WireMessage {
  const split = bytes.indexOf(NEWLINE);
  if (split < 0) throw new Error("simulator wire message without header separator");
  const header = JSON.parse(decoder.decode(bytes.subarray(0, split))) as WireHeader;
  return { header, body: bytes.subarray(split + 1) };
}

/** A fresh ArrayBuffer holding exactly these bytes (what issueCommand and handleCommand exchange). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}
