/**
 * The test server's view of the wire, written independently of modules/core so
 * the suite does not check the client against its own encoder: server frames
 * (unmasked, any bits, any opcode) and an incremental parser for client frames.
 */

export const OP = { CONT: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xa } as const;

export type Bytes = Uint8Array;

export function utf8(text: string): Bytes {
  return new Uint8Array(Buffer.from(text, "utf8"));
}

export function bytes(...values: number[]): Bytes {
  return new Uint8Array(values);
}

export function concat(parts: readonly Bytes[]): Bytes {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export interface FrameSpec {
  fin?: boolean;
  /** RSV bits as a 3-bit number: 4 = RSV1, 2 = RSV2, 1 = RSV3. */
  rsv?: number;
}

/** One server frame, unmasked, with the shortest length encoding (RFC 6455 5.2). */
export function frame(opcode: number, payload: Bytes | string = new Uint8Array(0), spec: FrameSpec = {}): Bytes {
  const data = typeof payload === "string" ? utf8(payload) : payload;
  const fin = spec.fin ?? true;
  const rsv = spec.rsv ?? 0;
  const n = data.length;
  const extra = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + extra + n);
  out[0] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xf);
  if (extra === 0) out[1] = n;
  else if (extra === 2) { out[1] = 126; out[2] = n >> 8; out[3] = n & 0xff; }
  else {
    out[1] = 127;
    const view = new DataView(out.buffer);
    view.setUint32(2, Math.floor(n / 2 ** 32));
    view.setUint32(6, n >>> 0);
  }
  out.set(data, 2 + extra);
  return out;
}

export const text = (payload: Bytes | string, spec?: FrameSpec): Bytes => frame(OP.TEXT, payload, spec);
export const binary = (payload: Bytes, spec?: FrameSpec): Bytes => frame(OP.BINARY, payload, spec);
export const cont = (payload: Bytes | string, spec?: FrameSpec): Bytes => frame(OP.CONT, payload, spec);
export const ping = (payload: Bytes | string = new Uint8Array(0)): Bytes => frame(OP.PING, payload);
export const pong = (payload: Bytes | string = new Uint8Array(0)): Bytes => frame(OP.PONG, payload);

/** A close frame; `code` undefined gives an empty body; `reason` may be raw bytes (invalid UTF-8 cases). */
export function close(code?: number, reason: Bytes | string = new Uint8Array(0)): Bytes {
  if (code === undefined) return frame(OP.CLOSE);
  const r = typeof reason === "string" ? utf8(reason) : reason;
  const body = new Uint8Array(2 + r.length);
  body[0] = (code >> 8) & 0xff;
  body[1] = code & 0xff;
  body.set(r, 2);
  return frame(OP.CLOSE, body);
}

/** A message cut into frames of `size` bytes (the last may be shorter). */
export function fragmented(opcode: number, payload: Bytes, size: number): Bytes[] {
  const frames: Bytes[] = [];
  if (payload.length === 0) return [frame(opcode, payload)];
  for (let at = 0; at < payload.length; at += size) {
    const last = at + size >= payload.length;
    frames.push(frame(at === 0 ? opcode : OP.CONT, payload.subarray(at, Math.min(payload.length, at + size)), { fin: last }));
  }
  return frames;
}

export interface ClientFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  /** The length used the shortest of the three encodings (RFC 6455 5.2 requires it). */
  minimalLength: boolean;
  payload: Bytes;
  /** How many bytes the server had written after the handshake when this frame was complete. */
  serverBytesBefore: number;
}

/**
 * Incremental parser for what the client sends: unmasks, records the mask bit,
 * and copies each payload once into a buffer of its final size.
 */
export class ClientFrameParser {
  readonly frames: ClientFrame[] = [];
  /** Set when the stream cannot be parsed (bad length encoding). */
  problem = "";
  private header = new Uint8Array(14);
  private have = 0;
  private need = 2;
  private inPayload = false;
  private payload = new Uint8Array(0);
  private payloadAt = 0;
  private minimal = true;

  constructor(private readonly written: () => number, private readonly onFrame: (f: ClientFrame) => void) {}

  push(chunk: Bytes): void {
    let pos = 0;
    while (pos < chunk.length && !this.problem) {
      if (!this.inPayload) {
        this.header[this.have++] = chunk[pos++];
        if (this.have === 2) {
          const marker = this.header[1] & 0x7f;
          this.need = 2 + (marker === 126 ? 2 : marker === 127 ? 8 : 0) + (this.header[1] & 0x80 ? 4 : 0);
        }
        if (this.have >= 2 && this.have === this.need) this.startPayload();
      } else {
        const n = Math.min(this.payload.length - this.payloadAt, chunk.length - pos);
        this.payload.set(chunk.subarray(pos, pos + n), this.payloadAt);
        this.payloadAt += n;
        pos += n;
        if (this.payloadAt === this.payload.length) this.finish();
      }
    }
  }

  private startPayload(): void {
    const h = this.header;
    const marker = h[1] & 0x7f;
    let length = marker;
    if (marker === 126) length = (h[2] << 8) | h[3];
    else if (marker === 127) {
      const view = new DataView(h.buffer, 2, 8);
      length = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
      if (length > 2 ** 31) { this.problem = `client frame claims ${length} bytes`; return; }
    }
    this.minimal = marker < 126 || (marker === 126 ? length >= 126 : length >= 65536);
    this.payload = new Uint8Array(length);
    this.payloadAt = 0;
    this.inPayload = true;
    if (length === 0) this.finish();
  }

  private finish(): void {
    const h = this.header;
    const masked = (h[1] & 0x80) !== 0;
    const payload = this.payload;
    if (masked) {
      const key = h.subarray(this.need - 4, this.need);
      for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    }
    const f: ClientFrame = {
      fin: (h[0] & 0x80) !== 0, rsv: (h[0] >> 4) & 7, opcode: h[0] & 0xf, masked, minimalLength: this.minimal, payload,
      serverBytesBefore: this.written(),
    };
    this.inPayload = false;
    this.have = 0;
    this.need = 2;
    this.frames.push(f);
    this.onFrame(f);
  }
}
