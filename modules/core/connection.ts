import type { CompressionProvider } from "./extensions/compression";
import { CLOSE, MAX_CLOSE_REASON, closeBody, encodeCloseBody, parseCloseBody } from "./close";
import { CompressedMessages, type InflatedSink } from "./extensions/compressed-messages";
import { DeflateTransform } from "./extensions/deflate-transform";
import { WebSocketError, type ErrorCode } from "./errors";
import { MAX_CONTROL_PAYLOAD, OPCODE, checkOutgoingFrame, encodeFrame, isControl, type FrameAllocator } from "./frame";
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
  /**
   * Bytes to hand to the transport, in order. The core keeps no bytes of its own, so it does not act on
   * back-pressure: its owner reports it (bufferedAmount, onDrain; the server role pauses reading).
   */
  onOutput(bytes: Uint8Array): void;
  /** The opening handshake completed (RFC 6455 4.1: "the WebSocket Connection is Established"). */
  onEstablished(protocol: string, extensions: string, headers: Map<string, string>): void;
  onMessage(data: string | Uint8Array, binary: boolean): void;
  /** A part of a message, delivered as it arrives (the `fragments` option). */
  onFragment(data: string | Uint8Array, binary: boolean, final: boolean): void;
  onPing(payload: Uint8Array): void;
  onPong(payload: Uint8Array): void;
  onError(error: WebSocketError): void;
  onStateChange(state: ReadyState): void;
  /** Close the transport: graceful flushes queued bytes first (FIN); otherwise drop it now. */
  onShutdown(graceful: boolean): void;
  /** The connection is over ("the WebSocket Connection is Closed"); emitted once, after the transport closed. */
  onClosed(code: number, reason: string, wasClean: boolean): void;
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

  // The ending bits, named (getters live on the prototype: no slot per connection).
  private get closeSent(): boolean {
    return (this.ending & CLOSE_SENT) !== 0;
  }
  private get closeReceived(): boolean {
    return (this.ending & CLOSE_RECEIVED) !== 0;
  }
  private get failed(): boolean {
    return (this.ending & FAILED) !== 0;
  }
  private get errorReported(): boolean {
    return (this.ending & ERROR_REPORTED) !== 0;
  }
  private get finished(): boolean {
    return (this.ending & FINISHED) !== 0;
  }
  /** Both close frames crossed and nothing failed: the close was clean (RFC 6455 7.1.4 wasClean). */
  private get closedCleanly(): boolean {
    return (this.ending & (CLOSE_SENT | CLOSE_RECEIVED | FAILED)) === (CLOSE_SENT | CLOSE_RECEIVED);
  }
  /** Open and no close frame sent yet: data and control frames may still go out. */
  private get canSend(): boolean {
    return this.state === OPEN && (this.ending & CLOSE_SENT) === 0;
  }
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
    if (!this.canSend) return false;
    if (this.sendingOpcode !== 0) {
      throw new WebSocketError(
        "INVALID_STATE",
        "a message started with sendFrame() is not finished; send its last fragment first",
      );
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
    const bytes = typeof data === "string" ? this.encode(data) : data;
    if (checkOutgoingFrame(fin, opcode, bytes.length)) {
      // A control frame may come between the frames of a message.
    } else if (opcode === OPCODE.CONTINUATION) {
      if (this.sendingOpcode === 0)
        throw new WebSocketError("INVALID_STATE", "continuation frame without a started message");
    } else if (this.sendingOpcode !== 0) {
      throw new WebSocketError(
        "INVALID_STATE",
        "a new data frame cannot start inside an unfinished fragmented message",
      );
    }
    if (!this.canSend) return false;
    if (!isControl(opcode)) this.sendingOpcode = fin ? 0 : opcode === OPCODE.CONTINUATION ? this.sendingOpcode : opcode;
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
    if (this.finished) return;
    this.ending |= FINISHED;
    this.receiver.stop();
    this.deflate?.dispose();
    const clean = this.closedCleanly;
    if (!this.closeReceived && !this.failed) {
      this.code = CLOSE.ABNORMAL;
      this.reportError(
        error ??
          new WebSocketError("CONNECTION_LOST", "connection closed without a close frame", {
            closeCode: CLOSE.ABNORMAL,
          }),
      );
    }
    this.setState(CLOSED);
    this.events.onClosed(this.code, this.reason, clean);
  }

  /**
   * The closing handshake did not end in time. Without the peer's close frame that is `error`
   * (CLOSE_TIMEOUT), unless an error already ended the connection; with it, only the TCP close
   * was slow, and the close stays clean.
   */
  closeTimedOut(error: WebSocketError): void {
    if (this.finished) return;
    if (!this.closeReceived) {
      this.ending |= FAILED;
      this.code = CLOSE.ABNORMAL;
      this.reason = "close handshake timed out";
      this.reportError(error);
    }
    this.events.onShutdown(false);
  }

  /**
   * Abort without a close handshake (before OPEN, and on local faults).
   * `graceful` flushes what was written first (a server's refusal response).
   */
  abort(error: WebSocketError, graceful = false): void {
    if (this.finished || this.failed) return;
    this.ending |= FAILED;
    this.code = CLOSE.ABNORMAL;
    this.reason = "";
    this.reportError(error);
    this.receiver.stop();
    this.setState(CLOSING);
    this.events.onShutdown(graceful);
  }

  // ---- receiver callbacks ----

  onMessage(binary: boolean, data: Uint8Array, compressed = false): void {
    if (this.closeReceived) return;
    if (compressed && this.compressed) {
      this.compressed.message(binary, data);
      return;
    }
    this.events.onMessage(binary ? data : this.decode(data), binary);
  }

  onFragment(binary: boolean, data: Uint8Array, final: boolean, compressed = false): void {
    if (this.closeReceived) return;
    if (compressed && this.compressed) {
      this.compressed.part(binary, data, final);
      return;
    }
    this.events.onFragment(binary ? data : data.length ? this.decode(data) : "", binary, final);
  }

  inflatedMessage(binary: boolean, data: Uint8Array): void {
    if (this.failed) return;
    this.events.onMessage(binary ? data : this.decode(data), binary);
  }

  inflatedPart(binary: boolean, data: Uint8Array, final: boolean): void {
    if (this.failed) return;
    this.events.onFragment(binary ? data : data.length ? this.decode(data) : "", binary, final);
  }

  onControl(opcode: number, payload: Uint8Array): void {
    if (opcode === OPCODE.PING) {
      if (!this.closeSent) this.writeFrame(OPCODE.PONG, true, payload);
      this.events.onPing(payload);
    } else if (opcode === OPCODE.PONG) {
      this.events.onPong(payload);
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
    if (!provider)
      throw new WebSocketError(
        "INVALID_STATE",
        "permessage-deflate was agreed but the platform has no compression provider",
      );
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
    this.events.onStateChange(state);
  }

  protected reportError(error: WebSocketError): void {
    if (this.errorReported) return;
    this.ending |= ERROR_REPORTED;
    this.events.onError(error);
  }

  /** RFC 6455 7.1.7: send a close with the error's code, report, and drop the connection. */
  protected failWith(error: WebSocketError): void {
    if (this.failed || this.finished) return;
    this.ending |= FAILED;
    this.receiver.stop();
    const closeCode = error.closeCode ?? CLOSE.PROTOCOL_ERROR;
    this.code = closeCode;
    // The error's words go into the close frame when they fit its 123 bytes; otherwise the code alone.
    let reasonBytes = this.encode(error.message);
    if (reasonBytes.length > MAX_CLOSE_REASON) reasonBytes = new Uint8Array(0);
    this.reason = reasonBytes.length ? error.message : "";
    if (!this.closeSent && (this.state === OPEN || this.state === CLOSING)) {
      this.ending |= CLOSE_SENT;
      this.writeFrame(OPCODE.CLOSE, true, encodeCloseBody(closeCode, reasonBytes));
    }
    this.setState(CLOSING);
    this.reportError(error);
    this.events.onShutdown(true);
  }

  private receivedClose(payload: Uint8Array): void {
    const parsed = parseCloseBody(payload, this.options.decodeUtf8 ?? decodeUtf8);
    if (parsed.ok === false) {
      // narrows without strictNullChecks too (mcconfig's default)
      this.failWith(new WebSocketError(parsed.error, parsed.message, { closeCode: parsed.closeCode }));
      return;
    }
    this.ending |= CLOSE_RECEIVED;
    this.receiver.stop();
    this.code = parsed.code;
    this.reason = parsed.reason;
    if (!this.closeSent) {
      // Echo the code (an empty close is answered with an empty close).
      this.sendClose(parsed.code === CLOSE.NO_STATUS ? new Uint8Array(0) : payload.subarray(0, 2));
    }
    this.events.onShutdown(true);
  }

  private sendClose(body: Uint8Array): void {
    this.ending |= CLOSE_SENT;
    this.setState(CLOSING);
    this.writeFrame(OPCODE.CLOSE, true, body);
  }

  private control(opcode: number, data: Payload): boolean {
    const bytes = typeof data === "string" ? this.encode(data) : data;
    if (bytes.length > MAX_CONTROL_PAYLOAD) {
      throw new WebSocketError(
        "INVALID_ARGUMENT",
        `${opcode === OPCODE.PING ? "ping" : "pong"} payload is ${bytes.length} bytes; at most ` +
          `${MAX_CONTROL_PAYLOAD} are allowed`,
      );
    }
    if (!this.canSend) return false;
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
    this.events.onOutput(encodeFrame(opcode, fin, payload, mask, rsv1, this.options.allocateFrame));
  }
}
