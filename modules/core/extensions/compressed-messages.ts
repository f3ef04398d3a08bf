/**
 * Delivery of compressed data messages: inflate (capped), then check text as
 * UTF-8 on the inflated bytes, since the receiver could not check it on the
 * wire. Whole messages, or parts in streaming mode (text parts end on
 * character boundaries, as uncompressed ones do).
 */
import type { ErrorCode } from "../errors";
import { CLOSE } from "../close";
import { joinPieces, type DeflateTransform, type InflateResult } from "./deflate-transform";
import { Utf8Validator, incompleteTail } from "../utf8";

const EMPTY = new Uint8Array(0);

export interface InflatedSink {
  inflatedMessage(binary: boolean, data: Uint8Array): void;
  inflatedPart(binary: boolean, data: Uint8Array, final: boolean): void;
  onFail(code: ErrorCode, closeCode: number, message: string): void;
}

export class CompressedMessages {
  private readonly transform: DeflateTransform;
  private readonly sink: InflatedSink;
  private readonly utf8 = new Utf8Validator();
  /** Streaming text: bytes of a character not yet complete. */
  private carry: Uint8Array = EMPTY;

  constructor(transform: DeflateTransform, sink: InflatedSink) {
    this.transform = transform;
    this.sink = sink;
  }

  message(binary: boolean, data: Uint8Array): void {
    const result = this.transform.inflate(data, true);
    if (result.ok === false) {
      this.failed(result);
      return;
    } // `=== false` narrows without strictNullChecks too (mcconfig's default)
    const bytes = result.pieces.length ? joinPieces(result.pieces) : EMPTY;
    if (!binary) {
      this.utf8.reset();
      if (this.utf8.update(bytes) >= 0 || !this.utf8.complete) {
        this.invalidText();
        return;
      }
    }
    this.sink.inflatedMessage(binary, bytes);
  }

  part(binary: boolean, data: Uint8Array, final: boolean): void {
    const result = this.transform.inflate(data, final);
    if (result.ok === false) {
      this.failed(result);
      return;
    } // `=== false` narrows without strictNullChecks too (mcconfig's default)
    let bytes = result.pieces.length ? joinPieces(result.pieces) : EMPTY;
    if (!binary) {
      if (this.utf8.update(bytes) >= 0 || (final && !this.utf8.complete)) {
        this.invalidText();
        return;
      }
      if (this.carry.length) {
        const joined = new Uint8Array(this.carry.length + bytes.length);
        joined.set(this.carry);
        joined.set(bytes, this.carry.length);
        bytes = joined;
      }
      const tail = final ? 0 : incompleteTail(bytes);
      this.carry = tail ? bytes.slice(bytes.length - tail) : EMPTY;
      if (tail) bytes = bytes.subarray(0, bytes.length - tail);
    }
    if (final) {
      this.utf8.reset();
      this.carry = EMPTY;
    }
    if (bytes.length || final) this.sink.inflatedPart(binary, bytes, final);
  }

  private failed(result: Extract<InflateResult, { ok: false }>): void {
    if (result.tooBig) this.sink.onFail("MESSAGE_TOO_BIG", CLOSE.TOO_BIG, result.message);
    else if (result.internal) this.sink.onFail(result.internal.code, CLOSE.INTERNAL_ERROR, result.message);
    else this.sink.onFail("PROTOCOL_ERROR", CLOSE.INVALID_DATA, result.message);
  }

  private invalidText(): void {
    this.utf8.reset();
    this.carry = EMPTY;
    this.sink.onFail("INVALID_UTF8", CLOSE.INVALID_DATA, "text message is not valid UTF-8 (after inflating)");
  }
}
