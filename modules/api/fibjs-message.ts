/**
 * fibjs' WebSocketMessage (`ws.Message`, seed 004): a message type, the masked
 * and compress flags, a size limit, and a payload written and read as bytes.
 * `sendTo(socket)` puts it on a `ws.Socket`; a received message arrives as one
 * of these in the socket's message event (`e.data`).
 */
import { toPayload, type SendData } from "../endpoint/payload";
import { WebSocketError } from "../core/errors";
import { integerOption, MAX_SIZE, optionError } from "../core/options";
import { decodeUtf8, encodeUtf8, isValidUtf8 } from "../core/utf8";
import { utf8Length } from "../core/utf8";

export const CONTINUE = 0;
export const TEXT = 1;
export const BINARY = 2;
export const CLOSE = 8;
export const PING = 9;
export const PONG = 10;

const TYPES = Object.freeze([CONTINUE, TEXT, BINARY, CLOSE, PING, PONG]);
const DEFAULT_MAX_SIZE = 67108864; // fibjs' default, 64 MiB

function bad(message: string): never {
  throw new WebSocketError("INVALID_ARGUMENT", message);
}

/** What sendTo() sends on: a ws.Socket. */
export interface MessageSink {
  sendMessage(message: Message): void;
}

export class Message {
  static readonly TEXT = TEXT;
  static readonly BINARY = BINARY;

  private kind: number = BINARY;
  private mask = true;
  private deflate = false;
  private limit = DEFAULT_MAX_SIZE;
  private parts: Uint8Array[] = [];
  private size = 0;
  /** A received text message keeps its string; bytes are made only if asked for. */
  private text: string | null = null;
  private readAt = 0;

  constructor(type: number = BINARY, masked = true, compress = false, maxSize: number = DEFAULT_MAX_SIZE) {
    this.type = type;
    this.masked = masked;
    this.compress = compress;
    this.maxSize = maxSize;
  }

  /** One of CONTINUE, TEXT, BINARY, CLOSE, PING, PONG. */
  get type(): number {
    return this.kind;
  }
  set type(value: number) {
    if (TYPES.indexOf(value) < 0)
      throw optionError("type", value, "one of 0 (CONTINUE), 1 (TEXT), 2 (BINARY), 8 (CLOSE), 9 (PING), 10 (PONG)");
    this.kind = value;
  }

  get masked(): boolean {
    return this.mask;
  }
  set masked(value: boolean) {
    if (typeof value !== "boolean") throw optionError("masked", value, "true or false");
    this.mask = value;
  }

  get compress(): boolean {
    return this.deflate;
  }
  set compress(value: boolean) {
    if (typeof value !== "boolean") throw optionError("compress", value, "true or false");
    this.deflate = value;
  }

  /** Largest payload in bytes. */
  get maxSize(): number {
    return this.limit;
  }
  set maxSize(value: number) {
    // Set, not defaulted: undefined is as wrong here as any other non-integer.
    if (value === undefined) throw optionError("maxSize", value, `an integer from 0 to ${MAX_SIZE}`);
    this.limit = integerOption("maxSize", value, 0, MAX_SIZE, DEFAULT_MAX_SIZE);
  }

  /** Payload bytes. */
  get length(): number {
    return this.text !== null ? utf8Length(this.text) : this.size;
  }

  /** TEXT: the payload as a string; any other type: an ArrayBuffer copy of it. */
  get data(): string | ArrayBuffer {
    if (this.kind === TEXT) {
      if (this.text !== null) return this.text;
      const bytes = this.bytes();
      if (!isValidUtf8(bytes))
        throw new WebSocketError("INVALID_UTF8", "the payload of this TEXT message is not valid UTF-8");
      return decodeUtf8(bytes);
    }
    return copy(this.bytes());
  }

  /** Append to the payload. Going over maxSize throws and appends nothing. */
  write(data: SendData): void {
    const payload = toPayload(data);
    // a copy: the caller may reuse its buffer
    const bytes = typeof payload === "string" ? encodeUtf8(payload) : payload.slice();
    this.materialize();
    if (this.size + bytes.length > this.limit) {
      throw new WebSocketError(
        "MESSAGE_TOO_BIG",
        `write() would make the payload ${this.size + bytes.length} bytes; maxSize is ${this.limit}`,
      );
    }
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  /** Up to `bytes` bytes (all that is left when -1) from the read position; null when nothing is left. */
  read(bytes = -1): ArrayBuffer | null {
    if (!(Number.isInteger(bytes) && bytes >= -1))
      bad(`read() takes a whole number of bytes or -1, got ${String(bytes)}`);
    const all = this.bytes();
    if (this.readAt >= all.length) return null;
    const end = bytes === -1 ? all.length : Math.min(all.length, this.readAt + bytes);
    const out = copy(all.subarray(this.readAt, end));
    this.readAt = end;
    return out;
  }

  readAll(): ArrayBuffer | null {
    return this.read(-1);
  }

  /** Empty the payload. */
  clear(): void {
    this.parts = [];
    this.size = 0;
    this.text = null;
    this.readAt = 0;
  }

  /** Send this message on a socket (the socket checks type, flags and state). */
  sendTo(socket: MessageSink): void {
    if (socket === null || typeof socket !== "object" || typeof socket.sendMessage !== "function") {
      bad("sendTo() needs a ws.Socket");
    }
    socket.sendMessage(this);
  }

  /** @internal the payload as one byte array (joins parts once). */
  bytes(): Uint8Array {
    this.materialize();
    if (this.parts.length === 1) return this.parts[0];
    const joined = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      joined.set(part, at);
      at += part.length;
    }
    this.parts = this.size ? [joined] : [];
    return joined;
  }

  /** @internal a received message: type and payload as the socket got them. */
  static received(data: string | Uint8Array, binary: boolean): Message {
    const message = new Message(binary ? BINARY : TEXT, false);
    if (typeof data === "string") message.text = data;
    else {
      message.parts = [data];
      message.size = data.length;
    }
    return message;
  }

  private materialize(): void {
    if (this.text === null) return;
    const bytes = encodeUtf8(this.text);
    this.text = null;
    this.parts = bytes.length ? [bytes] : [];
    this.size = bytes.length;
  }
}

/** An ArrayBuffer of its own (the bytes may be a view into a larger or reused buffer). */
function copy(bytes: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out.buffer;
}
