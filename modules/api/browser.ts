import { Client, type ClientOptions } from "../client/client";
import { CLIENT_OPTIONS } from "../client/client-options";
import { describeValue, knownOptions, optionsObject } from "../core/options";
import type { ClientListener, Endpoint } from "../endpoint/endpoint";
import { toArrayBuffer, type SendData } from "../endpoint/payload";
import type { Runtime } from "../endpoint/runtime";
import { CONNECTING, OPEN } from "../core/connection";
import { WebSocketError } from "../core/errors";
import { utf8Length } from "../core/utf8";
import { asDOMException, WebSocketDOMException } from "./dom-errors";
import { CloseEvent, ErrorEvent, EventEmitterTarget, MessageEvent, WsEvent } from "./events";
import { webSocketUrl } from "./whatwg-url";

export type BinaryType = "arraybuffer";

/** The events of a socket with the browser API, by type; `event.target` is the socket. */
export interface SocketEventMap<S extends object = SocketBase> {
  open: WsEvent<S>;
  message: MessageEvent<string | ArrayBuffer, S>;
  error: ErrorEvent<S>;
  close: CloseEvent<S>;
}

/** Options beyond the browser's two arguments (device limits, TLS). */
export type WebSocketOptions = Omit<ClientOptions, "protocols" | "fragments">;

/**
 * What send() has queued, for bufferedAmount: made at the first send(), so an
 * idle socket holds none (the XS heap rule, ARCHITECTURE.md).
 */
class SendAccount {
  /** Bytes written to the transport since this account was made (the backlog it found counted in). */
  written: number;
  /** Per message still (partly) in the transport: where its last byte lies in `written`, then its payload size. */
  private readonly pending: number[] = [];
  private head = 0;
  /** Sum of the sizes still pending. */
  private queued = 0;
  /** Bytes passed to send() once the connection was closing: counted for good, never sent (WHATWG). */
  discarded = 0;

  constructor(backlog: number) {
    this.written = backlog;
  }

  sent(size: number): void {
    this.pending.push(this.written, size);
    this.queued += size;
  }

  /** Application bytes not yet handed to the network, when the transport still holds `backlog` bytes. */
  amount(backlog: number): number {
    const flushed = this.written - backlog;
    const pending = this.pending;
    let head = this.head;
    while (head < pending.length && pending[head] <= flushed) {
      this.queued -= pending[head + 1];
      head += 2;
    }
    if (head === pending.length) {
      pending.length = 0;
      head = 0;
    } else if (head > 64 && head * 2 > pending.length) {
      pending.splice(0, head);
      head = 0;
    }
    this.head = head;
    // The oldest message may be partly sent: only its bytes still held count (its payload ends its frame).
    const partlySent =
      head < pending.length ? pending[head + 1] - Math.min(pending[head + 1], pending[head] - flushed) : 0;
    return this.queued - partlySent + this.discarded;
  }
}

/**
 * The browser WebSocket API (seed 003, WHATWG) over any endpoint: the client
 * role (WebSocketBase) and connections a server accepted share it.
 * docs/seed-apis.md walks the standard step by step against this class.
 */
export abstract class SocketBase extends EventEmitterTarget<SocketEventMap> {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  // On the prototype too, as the spec has them (defined below the class): no slots per socket.
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;

  onopen: ((event: SocketEventMap["open"]) => void) | null = null;
  onmessage: ((event: SocketEventMap["message"]) => void) | null = null;
  onerror: ((event: SocketEventMap["error"]) => void) | null = null;
  onclose: ((event: SocketEventMap["close"]) => void) | null = null;

  protected readonly endpoint: Endpoint;
  /** Made by the first send(). */
  declare private account?: SendAccount;

  protected constructor(makeEndpoint: (listener: ClientListener) => Endpoint) {
    super();
    this.endpoint = makeEndpoint(new SocketBase.Events(this));
  }

  /**
   * The endpoint's listener: one small object per socket whose methods are shared,
   * instead of a closure per event (the XS heap rule, ARCHITECTURE.md). Declared in the class body
   * to reach its protected dispatch.
   */
  private static readonly Events = class implements ClientListener {
    private readonly socket: SocketBase;
    /** The failure that ends the connection, fired just before close (set only then: no slot while healthy). */
    declare private failure?: WebSocketError;
    constructor(socket: SocketBase) {
      this.socket = socket;
    }
    onOpen(): void {
      this.socket.dispatch(new WsEvent("open"), this.socket.onopen);
    }
    onMessage(data: string | Uint8Array): void {
      // WHATWG: a message that arrives once close() was called is not delivered.
      if (this.socket.endpoint.readyState !== OPEN) return;
      this.socket.dispatch(
        new MessageEvent(typeof data === "string" ? data : toArrayBuffer(data)),
        this.socket.onmessage,
      );
    }
    onWrite(bytes: number): void {
      const account = this.socket.account;
      if (account) account.written += bytes;
    }
    onError(error: WebSocketError): void {
      if (!this.socket.whatwgFeedback) {
        this.socket.dispatch(new ErrorEvent(error), this.socket.onerror);
        return;
      }
      // Only a failed connection has an error event (WHATWG); a connection that was open and is
      // lost, or whose closing handshake times out, closes with 1006 and no error event.
      if (this.socket.endpoint.readyState !== CONNECTING && !failsConnection(error)) return;
      this.failure = error;
    }
    onClose(code: number, reason: string, wasClean: boolean): void {
      // WHATWG fires error then close in one task, readyState already CLOSED; an unclean close
      // reports 1006 and no reason, whatever code we sent the peer.
      const failure = this.failure;
      if (failure) {
        this.failure = undefined;
        this.socket.dispatch(new ErrorEvent(failure), this.socket.onerror);
      }
      const whatwg = this.socket.whatwgFeedback && !wasClean;
      this.socket.dispatch(
        whatwg ? new CloseEvent(1006, "", false) : new CloseEvent(code, reason, wasClean),
        this.socket.onclose,
      );
    }
  };

  /**
   * The error and close events as WHATWG's client has them (error only for a failed connection, just
   * before close; an unclean close as 1006 with no reason): the client WebSocket. A connection a
   * server accepted keeps every error and the close code it sent or got, as its server code needs.
   */
  protected get whatwgFeedback(): boolean {
    return false;
  }

  abstract get url(): string;
  get readyState(): number {
    return this.endpoint.readyState;
  }
  get protocol(): string {
    return this.endpoint.protocol;
  }
  get extensions(): string {
    return this.endpoint.extensions;
  }
  /**
   * Bytes of application data passed to send() and not yet handed to the network (UTF-8 for text,
   * no framing, no close frame), plus what send() was given once the connection was closing.
   */
  get bufferedAmount(): number {
    const account = this.account;
    return account ? account.amount(this.endpoint.bufferedAmount) : 0;
  }

  /** Always "arraybuffer" (the only type there is here), so no field per socket holds it. */
  get binaryType(): BinaryType {
    return "arraybuffer";
  }
  set binaryType(type: BinaryType) {
    if (String(type) === "blob") {
      throw new WebSocketDOMException(
        "NotSupportedError",
        new WebSocketError(
          "INVALID_ARGUMENT",
          'binaryType "blob" is not supported: devices have no Blob; binary messages arrive as ArrayBuffer',
        ),
      );
    }
    // Any other value is ignored, as WebIDL does for an enumeration.
  }

  /**
   * A string (text), an ArrayBuffer or a view (binary); anything else is sent as its string, as WebIDL
   * converts it. Throws InvalidStateError while CONNECTING; once closing, the data is counted in
   * bufferedAmount and dropped.
   */
  send(data: SendData): void {
    if (arguments.length === 0) throw new WebSocketError("INVALID_ARGUMENT", "send() needs the data to send");
    const payload = sendable(data);
    const size = typeof payload === "string" ? utf8Length(payload) : payload.byteLength;
    const account = (this.account ??= new SendAccount(this.endpoint.bufferedAmount));
    let sent: boolean;
    try {
      sent = this.endpoint.send(payload);
    } catch (error) {
      throw asDOMException(error);
    }
    if (sent) account.sent(size);
    else account.discarded += size;
  }

  /**
   * WHATWG close(code?, reason?): the code as WebIDL's [Clamp] unsigned short (1000 or 3000-4999, else
   * InvalidAccessError), the reason as a string of at most 123 UTF-8 bytes (else SyntaxError). A reason
   * without a code cannot go on the wire (RFC 6455 5.5.1): the close frame is then empty, as in Chromium.
   */
  close(code?: number, reason?: string): void {
    try {
      const wireCode = code === undefined ? undefined : clampUnsignedShort(code);
      const text = reason === undefined ? undefined : String(reason);
      if (wireCode === undefined) {
        if (text !== undefined && utf8Length(text) > 123) {
          throw new WebSocketError(
            "INVALID_CLOSE_REASON",
            `close reason is ${utf8Length(text)} bytes of UTF-8; at most 123 are allowed`,
          );
        }
        this.endpoint.close();
      } else {
        this.endpoint.close(wireCode, text);
      }
    } catch (error) {
      throw asDOMException(error);
    }
  }
}

// As WebIDL constants are: read-only, enumerable, on the prototype and the class.
Object.defineProperties(SocketBase.prototype, {
  CONNECTING: { value: 0, enumerable: true },
  OPEN: { value: 1, enumerable: true },
  CLOSING: { value: 2, enumerable: true },
  CLOSED: { value: 3, enumerable: true },
});

/** Errors after open that fail the connection (RFC 6455 7.1.7), as opposed to losing it or a slow close. */
function failsConnection(error: WebSocketError): boolean {
  const code = error.code;
  return code !== "CONNECTION_LOST" && code !== "TLS_ERROR" && code !== "CLOSE_TIMEOUT";
}

/** WebIDL's (BufferSource or Blob or USVString) for send(): what is not bytes is sent as its string. */
function sendable(data: unknown): SendData {
  if (typeof data === "string") return data;
  // By tag, not instanceof: an ArrayBuffer or view from another realm (a vm context, Node's Buffer pool) is bytes too.
  const tag = Object.prototype.toString.call(data);
  if (tag === "[object ArrayBuffer]") return data as ArrayBuffer;
  if (ArrayBuffer.isView(data)) {
    if (Object.prototype.toString.call(data.buffer) === "[object SharedArrayBuffer]") {
      throw new WebSocketError(
        "INVALID_ARGUMENT",
        "send() cannot take a view of a SharedArrayBuffer (WebIDL BufferSource)",
      );
    }
    return data;
  }
  const blob = (globalThis as { Blob?: abstract new (...args: never[]) => unknown }).Blob;
  if (typeof blob === "function" && data instanceof blob) {
    throw new WebSocketDOMException(
      "NotSupportedError",
      new WebSocketError(
        "INVALID_ARGUMENT",
        "send(Blob) is not supported: devices have no Blob; send its bytes (await blob.arrayBuffer())",
      ),
    );
  }
  if (tag === "[object SharedArrayBuffer]") {
    throw new WebSocketError("INVALID_ARGUMENT", "send() cannot take a SharedArrayBuffer (WebIDL BufferSource)");
  }
  return String(data);
}

/** WebIDL [Clamp] unsigned short: NaN is 0, out of range is clamped, halves round to even. */
function clampUnsignedShort(value: unknown): number {
  let x = Number(value);
  if (Number.isNaN(x)) return 0;
  x = Math.min(Math.max(x, 0), 65535);
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}

/** The third argument's names: every client option but the two the browser API gives otherwise. */
const WEBSOCKET_OPTIONS: readonly string[] = Object.freeze(
  CLIENT_OPTIONS.filter((name) => name !== "protocols" && name !== "fragments"),
);

/** The client: `new WebSocket(url, protocols?, options?)`. Entries bind it to a runtime. */
export class WebSocketBase extends SocketBase {
  constructor(runtime: Runtime, url: string, protocols?: string | string[], options?: WebSocketOptions) {
    try {
      const target = webSocketUrl(String(url));
      const offered = checkWebSocketArguments(protocols, options);
      // WHATWG: offered subprotocols must be answered (`requireProtocol: false` in the third argument opts out).
      super(
        (listener) =>
          new Client(
            runtime,
            target,
            {
              ...options,
              protocols: offered,
              requireProtocol: options?.requireProtocol === undefined ? true : options.requireProtocol,
            },
            listener,
          ),
      );
    } catch (error) {
      throw asDOMException(error);
    }
  }

  protected override get whatwgFeedback(): boolean {
    return true;
  }

  get url(): string {
    return (this.endpoint as Client).url;
  }
}

/**
 * The constructor's second and third arguments, checked before anything connects; returns the
 * protocols as Client takes them (a sequence other than an array becomes one, as WebIDL reads it).
 * `new WebSocket(url, { headers })`, options in the second argument as `ws` takes them, would offer
 * no subprotocol and send no header without a word: it is refused, saying where options go.
 */
function checkWebSocketArguments(protocols: unknown, options: unknown): string | string[] | undefined {
  knownOptions(
    "WebSocket options (the third argument)",
    optionsObject("WebSocket options (the third argument)", options),
    WEBSOCKET_OPTIONS,
  );
  if (protocols === undefined || protocols === null || typeof protocols === "string" || Array.isArray(protocols)) {
    return protocols as string | string[] | undefined;
  }
  if (
    typeof protocols === "object" &&
    typeof (protocols as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function"
  ) {
    return Array.from(protocols as Iterable<string>);
  }
  throw new WebSocketError(
    "INVALID_ARGUMENT",
    `new WebSocket(url, protocols, options): protocols must be a string or an array of strings, got ` +
      `${describeValue(protocols)}; ` +
      "options go in the third argument, e.g. new WebSocket(url, [], { headers })",
  );
}
