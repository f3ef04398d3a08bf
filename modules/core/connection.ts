import type { CompressionProvider } from "../platform/compression";
import { CLOSE, closeBody, parseCloseBody } from "./close";
import { CompressedMessages, type InflatedSink } from "./compressed-messages";
import { DeflateTransform } from "./deflate-transform";
import { WebSocketError, type ErrorCode } from "./errors";
import { OPCODE, encodeFrame, isControl, type FrameAllocator } from "./frame";
import { Receiver, type ReceiverLimits, type ReceiverSink } from "./receiver";
import { decodeUtf8, encodeUtf8 } from "./utf8";
import { DEFAULT_THRESHOLD, type DeflateAgreement } from "./extensions/permessage-deflate";

export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;
export type ReadyState = 0 | 1 | 2 | 3;

export type Role = "client" | "server";

/**
 * What framing needs from its owner. One object may serve many connections
 * (the client shares one per platform and limits): nothing here is written.
 */
export interface FramingOptions extends ReceiverLimits {
  /** Masking keys (client role): must be unpredictable. */
  random: (bytes: Uint8Array) => void;
  /**
   * Four bytes the masking key of each frame is drawn into and copied from at once, so connections
   * sharing these options can share it; absent, each frame draws into a fresh one.
   */
  maskScratch?: Uint8Array;
  encodeUtf8?: (text: string) => Uint8Array;
  decodeUtf8?: (bytes: Uint8Array) => string;
  /** Raw DEFLATE from the platform, used once permessage-deflate is agreed. */
  compression?: CompressionProvider;
  /** Memory for outgoing frames (Platform.allocateFrame); absent, each frame gets its own buffer. */
  allocateFrame?: FrameAllocator;
}

/** How to run permessage-deflate once agreed (threshold and zlib tuning for what we send). */
export interface DeflateTuning {
  threshold?: number;
  level?: number;
  memLevel?: number;
}

/** Everything the state machine asks of the layer that owns the transport. */
export interface ConnectionEvents {
  /** Bytes to hand to the transport, in order. */
  write(bytes: Uint8Array): void;
  open(protocol: string, extensions: string, headers: Map<string, string>): void;
  message(data: string | Uint8Array, binary: boolean): void;
  fragment(data: string | Uint8Array, binary: boolean, final: boolean): void;
  ping(payload: Uint8Array): void;
  pong(payload: Uint8Array): void;
  error(error: WebSocketError): void;
  stateChange(state: ReadyState): void;
  /** Close the transport: graceful flushes queued bytes first (FIN); otherwise drop it now. */
  shutdown(graceful: boolean): void;
  /** The connection is over; emitted once, after the transport closed. */
  closed(code: number, reason: string, wasClean: boolean): void;
}

export type Payload = string | Uint8Array;

// Bits of FramedConnection.ending.
const CLOSE_SENT = 1;
const CLOSE_RECEIVED = 2;
/** Failed or aborted: a protocol error, a local fault, or a close handshake that timed out. */
const FAILED = 4;
const ERROR_REPORTED = 8;
/** The transport is gone and `closed` was emitted. */
const FINISHED = 16;

/**
 * RFC 6455 after the opening handshake, for either role: framing, masking,
 * fragmentation, control frames and the closing handshake. Pure: it is fed
 * bytes and calls, and answers through ConnectionEvents.
 */
export class FramedConnection implements ReceiverSink, InflatedSink {
  state: ReadyState = CONNECTING;
  protected readonly events: ConnectionEvents;
  protected readonly options: FramingOptions;
  private readonly role: Role;
  private readonly receiver: Receiver;

  /** How the connection is ending, as bits (one field, not five: each costs a slot per connection on XS). */
  private ending = 0;
  private code: number = CLOSE.ABNORMAL;
  private reason = "";
  /** Opcode of the message being sent frame by frame with sendFrame(), 0 when none. */
  private sendingOpcode = 0;
  /** permessage-deflate, once agreed in the opening handshake. */
  private deflate: DeflateTransform | null = null;
  private compressed: CompressedMessages | null = null;

  constructor(role: Role, options: FramingOptions, events: ConnectionEvents) {
    this.role = role;
    this.options = options;
    this.events = events;
    this.receiver = new Receiver(options, role === "server", this);
  }

  // ---- calls in ----

  /** Frames received from the peer. */
  receiveFrames(chunk: Uint8Array): void {
    if (this.state === OPEN || this.state === CLOSING) this.receiver.push(chunk);
  }

  /** Send a whole message. Returns false (nothing sent) unless OPEN. */
  send(data: Payload, binary = typeof data !== "string"): boolean {
    if (this.state !== OPEN || (this.ending & CLOSE_SENT) !== 0) return false;
    if (this.sendingOpcode !== 0) {
      throw new WebSocketError("INVALID_STATE", "a message started with sendFrame() is not finished; send its last fragment first");
    }
    const bytes = typeof data === "string" ? this.encode(data) : data;
    const deflated = this.deflate ? this.deflate.compress(bytes) : undefined;
    if (deflated) this.writeFrame(binary ? OPCODE.BINARY : OPCODE.TEXT, true, deflated, true);
    else this.writeFrame(binary ? OPCODE.BINARY : OPCODE.TEXT, true, bytes);
    return true;
  }

  /**
   * Send one frame as given (seed 001's sendFrame), after checking that the
   * frame sequence stays legal.
   */
  sendFrame(fin: boolean, opcode: number, data: Payload): boolean {
    if (!Number.isInteger(opcode) || opcode < 0 || opcode > 15) {
      throw new WebSocketError("INVALID_ARGUMENT", `opcode ${String(opcode)} is not in 0x0-0xF`);
    }
    if (!(opcode <= 2 || (opcode >= 8 && opcode <= 10))) {
      throw new WebSocketError("INVALID_ARGUMENT", `opcode 0x${opcode.toString(16)} is reserved by RFC 6455`);
    }
    const bytes = typeof data === "string" ? this.encode(data) : data;
    if (isControl(opcode)) {
      if (!fin) throw new WebSocketError("INVALID_ARGUMENT", "control frames cannot be fragmented (fin must be true)");
      if (bytes.length > 125) throw new WebSocketError("INVALID_ARGUMENT", `control frame payload is ${bytes.length} bytes; at most 125 are allowed`);
      if (opcode === OPCODE.CLOSE) throw new WebSocketError("INVALID_ARGUMENT", "use close() to send a close frame");
    } else if (opcode === OPCODE.CONTINUATION) {
      if (this.sendingOpcode === 0) throw new WebSocketError("INVALID_STATE", "continuation frame without a started message");
    } else if (this.sendingOpcode !== 0) {
      throw new WebSocketError("INVALID_STATE", "a new data frame cannot start inside an unfinished fragmented message");
    }
    if (this.state !== OPEN || (this.ending & CLOSE_SENT) !== 0) return false;
    if (!isControl(opcode)) this.sendingOpcode = fin ? 0 : (opcode === OPCODE.CONTINUATION ? this.sendingOpcode : opcode);
    this.writeFrame(opcode, fin, bytes);
    return true;
  }

  ping(data: Payload = new Uint8Array(0)): boolean {
    return this.control(OPCODE.PING, data);
  }

  pong(data: Payload = new Uint8Array(0)): boolean {
    return this.control(OPCODE.PONG, data);
  }

  /**
   * Start the closing handshake. Invalid arguments throw and send nothing.
   * `anyWireCode` allows protocol codes such as 1002 (seed 001).
   */
  close(code?: number, reason?: string, anyWireCode = false): void {
    const body = closeBody(code, reason, anyWireCode, this.options.encodeUtf8 ?? encodeUtf8);
    if (this.state !== OPEN) return;
    this.sendClose(body);
  }

  /** The transport is gone. Emits `closed` once. */
  transportClosed(error?: WebSocketError): void {
    if (this.ending & FINISHED) return;
    this.ending |= FINISHED;
    this.receiver.stop();
    this.deflate?.dispose();
    const clean = (this.ending & (CLOSE_SENT | CLOSE_RECEIVED | FAILED)) === (CLOSE_SENT | CLOSE_RECEIVED);
    if ((this.ending & (CLOSE_RECEIVED | FAILED)) === 0) {
      this.code = CLOSE.ABNORMAL;
      this.reportError(error ?? new WebSocketError("CONNECTION_LOST", "connection closed without a close frame", { closeCode: CLOSE.ABNORMAL }));
    }
    this.setState(CLOSED);
    this.events.closed(this.code, this.reason, clean);
  }

  /**
   * The closing handshake did not end in time. Without the peer's close frame that is `error`
   * (CLOSE_TIMEOUT), unless an error already ended the connection; with it, only the TCP close
   * was slow, and the close stays clean.
   */
  closeTimedOut(error: WebSocketError): void {
    if (this.ending & FINISHED) return;
    if ((this.ending & CLOSE_RECEIVED) === 0) {
      this.ending |= FAILED;
      this.code = CLOSE.ABNORMAL;
      this.reason = "close handshake timed out";
      this.reportError(error);
    }
    this.events.shutdown(false);
  }

  /**
   * Abort without a close handshake (before OPEN, and on local faults).
   * `graceful` flushes what was written first (a server's refusal response).
   */
  abort(error: WebSocketError, graceful = false): void {
    if (this.ending & (FINISHED | FAILED)) return;
    this.ending |= FAILED;
    this.code = CLOSE.ABNORMAL;
    this.reason = "";
    this.reportError(error);
    this.receiver.stop();
    this.setState(CLOSING);
    this.events.shutdown(graceful);
  }

  // ---- receiver callbacks ----

  onMessage(binary: boolean, data: Uint8Array, compressed = false): void {
    if (this.ending & CLOSE_RECEIVED) return;
    if (compressed && this.compressed) { this.compressed.message(binary, data); return; }
    this.events.message(binary ? data : this.decode(data), binary);
  }

  onPart(binary: boolean, data: Uint8Array, final: boolean, compressed = false): void {
    if (this.ending & CLOSE_RECEIVED) return;
    if (compressed && this.compressed) { this.compressed.part(binary, data, final); return; }
    this.events.fragment(binary ? data : (data.length ? this.decode(data) : ""), binary, final);
  }

  inflatedMessage(binary: boolean, data: Uint8Array): void {
    if (this.ending & FAILED) return;
    this.events.message(binary ? data : this.decode(data), binary);
  }

  inflatedPart(binary: boolean, data: Uint8Array, final: boolean): void {
    if (this.ending & FAILED) return;
    this.events.fragment(binary ? data : (data.length ? this.decode(data) : ""), binary, final);
  }

  onControl(opcode: number, payload: Uint8Array): void {
    if (opcode === OPCODE.PING) {
      if ((this.ending & CLOSE_SENT) === 0) this.writeFrame(OPCODE.PONG, true, payload);
      this.events.ping(payload);
    } else if (opcode === OPCODE.PONG) {
      this.events.pong(payload);
    } else {
      this.receivedClose(payload);
    }
  }

  onFail(code: ErrorCode, closeCode: number, message: string): void {
    this.failWith(new WebSocketError(code, message, { closeCode }));
  }

  // ---- internals ----

  /**
   * permessage-deflate was agreed in the opening handshake (call before the
   * first frame is received): RSV1 marks compressed messages from now on.
   */
  protected useDeflate(agreement: DeflateAgreement, tuning: DeflateTuning): void {
    const provider = this.options.compression;
    if (!provider) throw new WebSocketError("INVALID_STATE", "permessage-deflate was agreed but the platform has no compression provider");
    this.deflate = new DeflateTransform({
      role: this.role,
      agreement,
      provider,
      maxMessageSize: this.options.maxMessageSize,
      threshold: tuning.threshold ?? DEFAULT_THRESHOLD,
      level: tuning.level,
      memLevel: tuning.memLevel,
    });
    this.compressed = new CompressedMessages(this.deflate, this);
    this.receiver.allowRsv1();
  }

  protected setState(state: ReadyState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.stateChange(state);
  }

  protected reportError(error: WebSocketError): void {
    if (this.ending & ERROR_REPORTED) return;
    this.ending |= ERROR_REPORTED;
    this.events.error(error);
  }

  /** RFC 6455 7.1.7: send a close with the error's code, report, and drop the connection. */
  protected failWith(error: WebSocketError): void {
    if (this.ending & (FAILED | FINISHED)) return;
    this.ending |= FAILED;
    this.receiver.stop();
    const closeCode = error.closeCode ?? CLOSE.PROTOCOL_ERROR;
    this.code = closeCode;
    this.reason = error.message.length <= 123 ? error.message : "";
    if ((this.ending & CLOSE_SENT) === 0 && (this.state === OPEN || this.state === CLOSING)) {
      this.ending |= CLOSE_SENT;
      const reasonBytes = this.encode(this.reason);
      const body = new Uint8Array(2 + reasonBytes.length);
      body[0] = closeCode >>> 8;
      body[1] = closeCode & 0xff;
      body.set(reasonBytes, 2);
      this.writeFrame(OPCODE.CLOSE, true, body);
    }
    this.setState(CLOSING);
    this.reportError(error);
    this.events.shutdown(true);
  }

  private receivedClose(payload: Uint8Array): void {
    const parsed = parseCloseBody(payload, this.options.decodeUtf8 ?? decodeUtf8);
    if (parsed.ok === false) { // narrows without strictNullChecks too (mcconfig's default)
      this.failWith(new WebSocketError(parsed.error, parsed.message, { closeCode: parsed.closeCode }));
      return;
    }
    this.ending |= CLOSE_RECEIVED;
    this.receiver.stop();
    this.code = parsed.code;
    this.reason = parsed.reason;
    if ((this.ending & CLOSE_SENT) === 0) {
      // Echo the code (an empty close is answered with an empty close).
      this.sendClose(parsed.code === CLOSE.NO_STATUS ? new Uint8Array(0) : payload.subarray(0, 2));
    }
    this.events.shutdown(true);
  }

  private sendClose(body: Uint8Array): void {
    this.ending |= CLOSE_SENT;
    this.setState(CLOSING);
    this.writeFrame(OPCODE.CLOSE, true, body);
  }

  private control(opcode: number, data: Payload): boolean {
    const bytes = typeof data === "string" ? this.encode(data) : data;
    if (bytes.length > 125) {
      throw new WebSocketError("INVALID_ARGUMENT", `${opcode === OPCODE.PING ? "ping" : "pong"} payload is ${bytes.length} bytes; at most 125 are allowed`);
    }
    if (this.state !== OPEN || (this.ending & CLOSE_SENT) !== 0) return false;
    this.writeFrame(opcode, true, bytes);
    return true;
  }

  private encode(text: string): Uint8Array {
    return (this.options.encodeUtf8 ?? encodeUtf8)(text);
  }

  private decode(bytes: Uint8Array): string {
    return (this.options.decodeUtf8 ?? decodeUtf8)(bytes);
  }

  protected writeFrame(opcode: number, fin: boolean, payload: Uint8Array, rsv1 = false): void {
    let mask: Uint8Array | null = null;
    if (this.role === "client") {
      mask = this.options.maskScratch ?? new Uint8Array(4);
      this.options.random(mask);
    }
    this.events.write(encodeFrame(opcode, fin, payload, mask, rsv1, this.options.allocateFrame));
  }
}
