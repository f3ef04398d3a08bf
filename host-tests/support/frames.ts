/** Build raw frames the way a server (or a misbehaving one) would put them on the wire. */
export function frame(opcode: number, payload: Uint8Array | string, opts: { fin?: boolean; rsv?: number; mask?: Uint8Array; lengthForm?: 7 | 16 | 64 } = {}): Uint8Array {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  const fin = opts.fin ?? true;
  const len = data.length;
  const form = opts.lengthForm ?? (len < 126 ? 7 : len < 65536 ? 16 : 64);
  const head: number[] = [(fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode];
  const m = opts.mask ? 0x80 : 0;
  if (form === 7) head.push(m | len);
  else if (form === 16) head.push(m | 126, len >> 8, len & 255);
  else {
    head.push(m | 127);
    const hi = Math.floor(len / 2 ** 32);
    head.push((hi >>> 24) & 255, (hi >>> 16) & 255, (hi >>> 8) & 255, hi & 255, (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255);
  }
  if (opts.mask) head.push(...opts.mask);
  const body = Buffer.from(data);
  if (opts.mask) for (let i = 0; i < body.length; i++) body[i] ^= opts.mask[i & 3];
  return new Uint8Array(Buffer.concat([Buffer.from(head), body]));
}

export function closeFrame(code?: number, reason = ""): Uint8Array {
  if (code === undefined) return frame(8, new Uint8Array(0));
  const r = Buffer.from(reason, "utf8");
  const body = Buffer.alloc(2 + r.length);
  body.writeUInt16BE(code, 0);
  r.copy(body, 2);
  return frame(8, body);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

export interface ParsedFrame { fin: boolean; rsv: number; opcode: number; masked: boolean; payload: Buffer }

/** Parse frames a client sent (unmasking them); returns the frames and any trailing partial bytes. */
export function parseFrames(bytes: Uint8Array): { frames: ParsedFrame[]; rest: Buffer } {
  const buf = Buffer.from(bytes);
  const frames: ParsedFrame[] = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const b0 = buf[at], b1 = buf[at + 1];
    let len = b1 & 0x7f;
    let p = at + 2;
    if (len === 126) { if (buf.length - p < 2) break; len = buf.readUInt16BE(p); p += 2; }
    else if (len === 127) { if (buf.length - p < 8) break; len = Number(buf.readBigUInt64BE(p)); p += 8; }
    const masked = (b1 & 0x80) !== 0;
    let key: Buffer | undefined;
    if (masked) { if (buf.length - p < 4) break; key = buf.subarray(p, p + 4); p += 4; }
    if (buf.length - p < len) break;
    const payload = Buffer.from(buf.subarray(p, p + len));
    if (key) for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    frames.push({ fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 15, masked, payload });
    at = p + len;
  }
  return { frames, rest: buf.subarray(at) };
}
