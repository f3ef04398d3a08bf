/**
 * An independent reading of RFC 6455 section 5 for the client role: given the
 * whole byte stream a server sent, what must a client deliver and how must the
 * connection end. Written from the RFC, not from modules/core, and kept simple
 * (whole stream at once) so that it is easy to check by eye.
 */
import { TextDecoder } from "node:util";

export interface ModelOutcome {
  messages: { binary: boolean; data: Uint8Array }[];
  pings: Uint8Array[];
  pongs: Uint8Array[];
  /** How the stream ended: a failure with its close code, a close frame received, or neither (the stream just stopped). */
  end: { kind: "fail"; closeCode: number } | { kind: "close"; code: number } | { kind: "eof" };
}

const VALID_WIRE_CODE = (c: number): boolean => (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);

function validUtf8(bytes: Uint8Array): boolean {
  try { new TextDecoder("utf-8", { fatal: true }).decode(bytes); return true; } catch { return false; }
}

export function referenceModel(stream: Uint8Array, maxMessageSize: number, maxFragments: number): ModelOutcome {
  const out: ModelOutcome = { messages: [], pings: [], pongs: [], end: { kind: "eof" } };
  const fail = (closeCode: number): ModelOutcome => { out.end = { kind: "fail", closeCode }; return out; };
  let pos = 0;
  let message: { opcode: number; parts: Uint8Array[]; size: number; fragments: number; decoder: TextDecoder } | null = null;

  while (pos < stream.length) {
    if (stream.length - pos < 2) return out; // header cut short
    const b0 = stream[pos], b1 = stream[pos + 1];
    const fin = (b0 & 0x80) !== 0, rsv = b0 & 0x70, opcode = b0 & 0xf, masked = (b1 & 0x80) !== 0, marker = b1 & 0x7f;
    const control = opcode >= 8;
    // RFC 5.2: reserved opcodes, RSV without extension, masked server frames: fail (1002).
    if (!(opcode <= 2 || (opcode >= 8 && opcode <= 10))) return fail(1002);
    if (rsv !== 0) return fail(1002);
    if (masked) return fail(1002);
    // RFC 5.5: control frames are not fragmented and carry at most 125 bytes.
    if (control && (!fin || marker > 125)) return fail(1002);
    // RFC 5.4: continuation only inside a message; no new message inside one.
    if (opcode === 0 && !message) return fail(1002);
    if ((opcode === 1 || opcode === 2) && message) return fail(1002);
    if (opcode === 0 && message!.fragments + 1 > maxFragments) return fail(1009);
    const extra = marker === 126 ? 2 : marker === 127 ? 8 : 0;
    if (stream.length - pos < 2 + extra) return out;
    let length = marker;
    if (marker === 126) length = (stream[pos + 2] << 8) | stream[pos + 3];
    if (marker === 127) {
      if (stream[pos + 2] & 0x80) return fail(1002); // RFC 5.2: the most significant bit must be 0
      length = 0;
      for (let i = 2; i < 10; i++) length = length * 256 + stream[pos + i];
    }
    pos += 2 + extra;
    if (!control) {
      const size = (opcode === 0 ? message!.size : 0) + length;
      if (size > maxMessageSize) return fail(1009);
    }
    const available = Math.min(length, stream.length - pos);
    const payload = stream.subarray(pos, pos + available);
    pos += available;
    if (control) {
      if (available < length) return out;
      if (opcode === 9) out.pings.push(payload);
      else if (opcode === 10) out.pongs.push(payload);
      else {
        if (length === 0) { out.end = { kind: "close", code: 1005 }; return out; }
        if (length === 1) return fail(1002);
        const code = (payload[0] << 8) | payload[1];
        if (!VALID_WIRE_CODE(code)) return fail(1002);
        if (!validUtf8(payload.subarray(2))) return fail(1007);
        out.end = { kind: "close", code };
        return out;
      }
      continue;
    }
    if (opcode !== 0) message = { opcode, parts: [], size: 0, fragments: 0, decoder: new TextDecoder("utf-8", { fatal: true }) };
    const m = message!;
    m.fragments++;
    m.size += length;
    m.parts.push(payload);
    // RFC 8.1: invalid UTF-8 in text fails the connection (1007), as soon as it is seen.
    if (m.opcode === 1) {
      try { m.decoder.decode(payload, { stream: true }); } catch { return fail(1007); }
    }
    if (available < length) return out;
    if (fin) {
      if (m.opcode === 1) { try { m.decoder.decode(); } catch { return fail(1007); } }
      const data = new Uint8Array(m.size);
      let at = 0;
      for (const p of m.parts) { data.set(p, at); at += p.length; }
      out.messages.push({ binary: m.opcode === 2, data });
      message = null;
    }
  }
  return out;
}
