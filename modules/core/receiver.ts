import type { ErrorCode } from "./errors";
import { CLOSE } from "./close";
import { OPCODE, applyMask, isControl, isKnownOpcode } from "./frame";
import { Utf8Validator, incompleteTail, validateUtf8Piece } from "./utf8";

/** Limits and helpers that may be shared by many receivers: nothing here is written. */
export interface ReceiverLimits {
  maxMessageSize: number;
  maxFragments: number;
  /** Deliver message parts as they arrive instead of whole messages. */
  fragments: boolean;
  /** A native whole-buffer UTF-8 check (Platform.isUtf8), used for the middle of each text piece. */
  isUtf8?: (bytes: Uint8Array) => boolean;
}

export interface ReceiverSink {
  /** A whole data message. Text has been validated; `data` may view the transport's chunk. */
  onMessage(binary: boolean, data: Uint8Array, compressed: boolean): void;
  /**
   * With `fragments`: the next part of a message; text parts end on character
   * boundaries. Parts of a compressed message are raw compressed bytes.
   */
  onFragment(binary: boolean, data: Uint8Array, final: boolean, compressed: boolean): void;
  /** A whole control frame (at most 125 bytes); `payload` may view the transport's chunk. */
  onControl(opcode: number, payload: Uint8Array): void;
  /** The peer broke the protocol; nothing more will be delivered. */
  onFail(code: ErrorCode, closeCode: number, message: string): void;
}

const HEADER = 0;
const PAYLOAD = 1;
/** After a close frame or a failure: nothing more is read. */
const STOPPED = 2;
const EMPTY = new Uint8Array(0);

/** Pieces of a message shorter than this are copied together into blocks of BLOCK_SIZE bytes. */
const SMALL_PIECE = 1024;
const BLOCK_SIZE = 4096;

/**
 * The pieces of a message that came in more than one, in order. Small pieces
 * (tiny frames, or frames cut up by small reads) are copied together into
 * blocks, so a message of thousands of small frames holds a few blocks, not a
 * view per frame (4 XS slots, 64 bytes on an ESP32) and every read it came in:
 * the memory a message holds is its size, whatever its fragment count.
 */
class Pieces {
  readonly list: Uint8Array[] = [];
  private block: Uint8Array | null = null;
  private fill = 0;

  add(piece: Uint8Array): void {
    if (piece.length >= SMALL_PIECE) {
      this.seal();
      this.list.push(piece);
      return;
    }
    let block = this.block;
    if (!block || this.fill + piece.length > block.length) {
      this.seal();
      block = this.block = new Uint8Array(BLOCK_SIZE);
    }
    block.set(piece, this.fill);
    this.fill += piece.length;
  }

  /** Close the block being filled (a mostly empty one is copied out, so its unused room is not held). */
  seal(): void {
    const block = this.block;
    if (!block) return;
    this.list.push(this.fill * 2 < block.length ? block.slice(0, this.fill) : block.subarray(0, this.fill));
    this.block = null;
    this.fill = 0;
  }
}

/** Header bytes a frame has, from its second byte (length marker and mask bit). */
function headerSize(b1: number): number {
  const marker = b1 & 0x7f;
  return 2 + (marker === 126 ? 2 : marker === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
}

/**
 * Incremental frame decoder: takes chunks split anywhere, enforces RFC 6455
 * framing, fragmentation, UTF-8 and size rules, and reports violations as
 * soon as the offending byte is seen.
 */
export class Receiver {
  // Every field costs a slot per connection on XS (16 bytes on an ESP32), so state is kept to what decoding needs.
  private readonly options: ReceiverLimits;
  /** Server role: frames from clients must be masked (every accepted frame is). Client role: must not be. */
  private readonly expectMasked: boolean;
  private readonly sink: ReceiverSink;
  /** An extension (permessage-deflate) gives RSV1 a meaning on a message's first frame. */
  private rsv1Allowed = false;

  private phase = HEADER;
  /**
   * A header split across reads is gathered here, and a masking key (server
   * role) is kept at [0..3]; made the first time either is needed. Headers
   * that arrive whole are read where they lie.
   */
  private header: Uint8Array | null = null;
  private headerHave = 0;
  private headerNeed = 2;

  private fin = false;
  private opcode = 0;
  private remaining = 0;
  private maskPhase = 0;

  // The data message being received (opcode 0 when none).
  private messageOpcode = 0;
  private messageCompressed = false;
  private messageSize = 0;
  /** Wire frames of the current message so far (limited by maxFragments). */
  private frames = 0;
  /** Pieces of a message that spans reads or frames: the first alone is kept as it came (the common case). */
  private parts: Uint8Array | Pieces | null = null;
  /**
   * The payload of a frame that spans reads and is delivered whole: a
   * single-frame message or a control frame (never both at once), sized to
   * the frame, so the next byte goes at its length minus what is still to come.
   * A control frame within one read is kept here as a view of it.
   */
  private gathered: Uint8Array | null = null;
  private readonly utf8 = new Utf8Validator();
  private textCarry: Uint8Array = EMPTY; // fragments: bytes of an unfinished character

  constructor(options: ReceiverLimits, expectMasked: boolean, sink: ReceiverSink) {
    this.options = options;
    this.expectMasked = expectMasked;
    this.sink = sink;
  }

  /** No more frames are processed (after a close frame or a failure). */
  stop(): void {
    this.phase = STOPPED;
    this.parts = null;
    this.gathered = null;
  }

  /** permessage-deflate was agreed: RSV1 may mark a message's first frame. */
  allowRsv1(): void {
    this.rsv1Allowed = true;
  }

  get isStopped(): boolean {
    return this.phase === STOPPED;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    const end = chunk.length;
    while (this.phase !== STOPPED) {
      if (this.phase === HEADER) {
        if (pos >= end) return;
        pos = this.readHeader(chunk, pos, end);
      } else {
        if (this.remaining > 0) {
          if (pos >= end) return;
          const n = Math.min(this.remaining, end - pos);
          this.payload(chunk, pos, n);
          pos += n;
          if (this.remaining > 0) return;
        }
        if (this.phase !== STOPPED) this.frameDone();
      }
    }
  }

  private fail(code: ErrorCode, closeCode: number, message: string): void {
    if (this.phase === STOPPED) return;
    this.stop();
    this.sink.onFail(code, closeCode, message);
  }

  private protocolError(message: string): void {
    this.fail("PROTOCOL_ERROR", CLOSE.PROTOCOL_ERROR, message);
  }

  private readHeader(chunk: Uint8Array, pos: number, end: number): number {
    if (this.headerHave === 0 && end - pos >= 2) {
      // The common case: the whole header is in this read, and is read where it lies.
      const need = headerSize(chunk[pos + 1]);
      if (end - pos >= need) {
        if (!this.checkFirstTwo(chunk[pos], chunk[pos + 1])) return pos;
        this.headerDone(chunk, pos, need, end - pos - need);
        return pos + need;
      }
    }
    // Split across reads: gathered in `header`.
    const h = (this.header ??= new Uint8Array(14));
    while (pos < end && this.headerHave < this.headerNeed) {
      h[this.headerHave++] = chunk[pos++];
      if (this.headerHave === 2) {
        if (!this.checkFirstTwo(h[0], h[1])) return pos;
        this.headerNeed = headerSize(h[1]);
      }
    }
    if (this.headerHave === this.headerNeed) this.headerDone(h, 0, this.headerNeed, end - pos);
    return pos;
  }

  /**
   * The `need`-byte header at bytes[at..] is complete (its first two bytes checked); `left` bytes of this read follow
   * it.
   */
  private headerDone(bytes: Uint8Array, at: number, need: number, left: number): void {
    this.headerHave = 0;
    this.headerNeed = 2;
    const marker = bytes[at + 1] & 0x7f;
    let length: number;
    if (marker < 126) {
      length = marker;
    } else if (marker === 126) {
      length = (bytes[at + 2] << 8) | bytes[at + 3];
    } else {
      if (bytes[at + 2] & 0x80) {
        this.protocolError("64-bit payload length has its most significant bit set");
        return;
      }
      const high = ((bytes[at + 2] << 24) | (bytes[at + 3] << 16) | (bytes[at + 4] << 8) | bytes[at + 5]) >>> 0;
      const low = ((bytes[at + 6] << 24) | (bytes[at + 7] << 16) | (bytes[at + 8] << 8) | bytes[at + 9]) >>> 0;
      if (high > 0x1fffff) {
        this.tooBig(`a frame of more than 2^53 bytes`);
        return;
      }
      length = high * 0x100000000 + low;
    }
    if (this.expectMasked) {
      // The key ends the header; keep it past this read (in order: it may already sit in `header` at [2..]).
      const k = at + need - 4;
      const key = (this.header ??= new Uint8Array(14));
      key[0] = bytes[k];
      key[1] = bytes[k + 1];
      key[2] = bytes[k + 2];
      key[3] = bytes[k + 3];
    }
    this.remaining = length;
    this.maskPhase = 0;
    this.phase = PAYLOAD;

    if (isControl(this.opcode)) {
      // Gathered only when it spans reads; otherwise payload() keeps a view of the read.
      this.gathered = length > left ? new Uint8Array(length) : null;
    } else {
      const size = this.messageSize + length;
      const max = this.options.maxMessageSize;
      // Compressed: the inflated size is held to the limit exactly (deflate-transform.ts); the wire
      // size gets DEFLATE's worst-case growth on incompressible data (stored blocks, flushes) on top.
      const limit = this.messageCompressed ? max + Math.floor(max / 1024) + 1024 : max;
      if (size > limit) {
        this.tooBig(
          `${this.messageCompressed ? "compressed " : ""}message of ${size} bytes exceeds the limit of ${limit}`,
        );
        return;
      }
      this.messageSize = size;
      this.gathered = null;
      // One allocation for a single-frame message that will not arrive in this read.
      if (!this.options.fragments && this.fin && this.frames === 1 && length > left) {
        this.gathered = new Uint8Array(length);
      }
    }
  }

  /** Check the first two header bytes, so a bad frame fails before its length or payload arrives. */
  private checkFirstTwo(b0: number, b1: number): boolean {
    const fin = (b0 & 0x80) !== 0;
    const rsv = b0 & 0x70;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    const marker = b1 & 0x7f;

    if (!isKnownOpcode(opcode)) {
      this.protocolError(`reserved opcode 0x${opcode.toString(16)}`);
      return false;
    }
    const rsv1First = rsv === 0x40 && this.rsv1Allowed && opcode !== OPCODE.CONTINUATION && !isControl(opcode);
    if (rsv !== 0 && !rsv1First) {
      this.protocolError(
        `reserved bits set (RSV${rsv & 0x40 ? "1" : ""}${rsv & 0x20 ? "2" : ""}${rsv & 0x10 ? "3" : ""}) without ` +
          `a negotiated extension`,
      );
      return false;
    }
    if (masked !== this.expectMasked) {
      this.protocolError(masked ? "frame from the server is masked" : "frame from the client is not masked");
      return false;
    }
    if (isControl(opcode)) {
      if (!fin) {
        this.protocolError("fragmented control frame");
        return false;
      }
      if (marker > 125) {
        this.protocolError("control frame payload longer than 125 bytes");
        return false;
      }
    } else if (opcode === OPCODE.CONTINUATION) {
      if (this.messageOpcode === 0) {
        this.protocolError("continuation frame without a message to continue");
        return false;
      }
      if (++this.frames > this.options.maxFragments) {
        this.tooBig(`message has more than ${this.options.maxFragments} fragments`);
        return false;
      }
    } else {
      if (this.messageOpcode !== 0) {
        this.protocolError("new data frame inside a fragmented message");
        return false;
      }
      this.messageOpcode = opcode;
      this.messageCompressed = rsv1First;
      this.messageSize = 0;
      this.frames = 1;
      this.utf8.reset();
    }
    this.fin = fin;
    this.opcode = opcode;
    return true;
  }

  private tooBig(message: string): void {
    this.fail("MESSAGE_TOO_BIG", CLOSE.TOO_BIG, message);
  }

  private payload(chunk: Uint8Array, pos: number, n: number): void {
    if (this.expectMasked) {
      applyMask(chunk, pos, n, this.header!, 0, this.maskPhase);
      this.maskPhase = (this.maskPhase + n) & 3;
    }
    this.remaining -= n;
    if (isControl(this.opcode)) {
      if (!this.gathered) {
        this.gathered = chunk.subarray(pos, pos + n); // the whole payload, within this read
      } else {
        this.gathered.set(chunk.subarray(pos, pos + n), this.gathered.length - this.remaining - n);
      }
      return;
    }
    const piece = chunk.subarray(pos, pos + n);
    // Validate text as it arrives so invalid UTF-8 fails at its first byte.
    if (this.messageOpcode === OPCODE.TEXT && !this.messageCompressed) {
      const bad = validateUtf8Piece(this.utf8, piece, this.options.isUtf8);
      if (bad >= 0) {
        this.fail("INVALID_UTF8", CLOSE.INVALID_DATA, "text message is not valid UTF-8");
        return;
      }
    }
    if (this.options.fragments) {
      if (!(this.fin && this.remaining === 0)) {
        this.emitPart(piece, false);
        return;
      }
      if (this.endsInsideCharacter()) return;
      this.emitPart(piece, true);
      this.finishMessage();
      return;
    }
    const parts = this.parts;
    if (this.gathered) {
      this.gathered.set(piece, this.gathered.length - this.remaining - n);
    } else if (!parts) {
      this.parts = piece;
    } else if (parts instanceof Pieces) {
      parts.add(piece);
    } else {
      const pieces = new Pieces();
      pieces.add(parts);
      pieces.add(piece);
      this.parts = pieces;
    }
  }

  private emitPart(piece: Uint8Array, final: boolean): void {
    const binary = this.messageOpcode === OPCODE.BINARY;
    if (binary || this.messageCompressed) {
      this.sink.onFragment(binary, piece, final, this.messageCompressed);
      return;
    }
    let bytes = piece;
    if (this.textCarry.length) {
      bytes = new Uint8Array(this.textCarry.length + piece.length);
      bytes.set(this.textCarry);
      bytes.set(piece, this.textCarry.length);
    }
    const tail = final ? 0 : incompleteTail(bytes);
    this.textCarry = tail ? bytes.slice(bytes.length - tail) : EMPTY;
    this.sink.onFragment(false, tail ? bytes.subarray(0, bytes.length - tail) : bytes, final, false);
  }

  private frameDone(): void {
    this.phase = HEADER;
    if (isControl(this.opcode)) {
      const payload = this.gathered ?? EMPTY;
      this.gathered = null;
      this.sink.onControl(this.opcode, payload);
      return;
    }
    if (!this.fin) return;
    if (this.options.fragments) {
      // Only an empty final frame reaches here with its message unfinished (a payload's last piece finishes it).
      if (this.messageOpcode !== 0 && !this.endsInsideCharacter()) {
        this.emitPart(EMPTY, true);
        this.finishMessage();
      }
      return;
    }
    if (this.endsInsideCharacter()) return;
    const binary = this.messageOpcode === OPCODE.BINARY;
    const compressed = this.messageCompressed;
    const data = this.assemble();
    this.finishMessage();
    this.sink.onMessage(binary, data, compressed);
  }

  private assemble(): Uint8Array {
    const whole = this.gathered;
    if (whole) {
      this.gathered = null;
      return whole;
    }
    const parts = this.parts;
    this.parts = null;
    if (!parts) return EMPTY;
    if (!(parts instanceof Pieces)) return parts;
    parts.seal();
    const list = parts.list;
    if (list.length === 1) return list[0];
    const out = new Uint8Array(this.messageSize);
    let at = 0;
    for (const p of list) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private endsInsideCharacter(): boolean {
    if (this.messageOpcode !== OPCODE.TEXT || this.messageCompressed || this.utf8.complete) return false;
    this.fail("INVALID_UTF8", CLOSE.INVALID_DATA, "text message ends inside a UTF-8 sequence");
    return true;
  }

  private finishMessage(): void {
    this.messageOpcode = 0;
    this.messageCompressed = false;
    this.messageSize = 0;
    this.frames = 0;
    this.textCarry = EMPTY;
  }
}
