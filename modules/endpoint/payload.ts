import { WebSocketError } from "../core/errors";
import type { Payload } from "../core/connection";

export type SendData = string | ArrayBuffer | ArrayBufferView;

/** Accept what WebSocket.send accepts; views are used in place (no copy). */
export function toPayload(data: SendData): Payload {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new WebSocketError(
    "INVALID_ARGUMENT",
    `cannot send ${data === null ? "null" : typeof data}: expected a string, an ArrayBuffer or an ArrayBufferView`,
  );
}

/** The bytes of a binary message as an ArrayBuffer of exactly that length (copies only views into larger buffers). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer as ArrayBuffer;
  if (bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  return buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
