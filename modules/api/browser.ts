import { Client, type ClientOptions } from "../client/client";
import { CLIENT_OPTIONS } from "../client/client-options";
import { describeValue, knownOptions, optionsObject } from "../core/options";
import type { ClientListener, Endpoint } from "../endpoint/endpoint";
import { toArrayBuffer, type SendData } from "../endpoint/payload";
import type { Runtime } from "../endpoint/runtime";
import { WebSocketError } from "../core/errors";
import { CloseEvent, ErrorEvent, EventEmitterTarget, MessageEvent, WsEvent } from "./events";

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
 * The browser WebSocket API (seed 003, WHATWG) over any endpoint: the client
 * role (WebSocketBase) and connections a server accepted share it.
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
  /** Bytes passed to send() after the connection started closing: counted, never sent (as browsers do). */
  private discarded = 0;

  protected constructor(makeEndpoint: (listener: ClientListener) => Endpoint) {
    super();
    this.endpoint = makeEndpoint(new SocketBase.Events(this));
  }

  /**
   * The endpoint's listener: one small object per socket whose methods are shared,
   * instead of a closure per event (XS heap on a device). Declared in the class body
   * to reach its protected dispatch.
   */
  private static readonly Events = class implements ClientListener {
    private readonly socket: SocketBase;
    constructor(socket: SocketBase) {
      this.socket = socket;
    }
    onOpen(): void {
      this.socket.dispatch(new WsEvent("open"), this.socket.onopen);
    }
    onMessage(data: string | Uint8Array): void {
      this.socket.dispatch(new MessageEvent(typeof data === "string" ? data : toArrayBuffer(data)), this.socket.onmessage);
    }
    onError(error: WebSocketError): void {
      this.socket.dispatch(new ErrorEvent(error), this.socket.onerror);
    }
    onClose(code: number, reason: string, wasClean: boolean): void {
      this.socket.dispatch(new CloseEvent(code, reason, wasClean), this.socket.onclose);
    }
  };

  abstract get url(): string;
  get readyState(): number { return this.endpoint.readyState; }
  get protocol(): string { return this.endpoint.protocol; }
  get extensions(): string { return this.endpoint.extensions; }
  get bufferedAmount(): number { return this.endpoint.bufferedAmount + this.discarded; }

  /** Always "arraybuffer" (the only type there is here), so no field per socket holds it. */
  get binaryType(): BinaryType { return "arraybuffer"; }
  set binaryType(type: BinaryType) {
    if ((type as string) === "blob") {
      throw new WebSocketError("INVALID_ARGUMENT", 'binaryType "blob" is not supported: devices have no Blob; binary messages arrive as ArrayBuffer');
    }
  }

  /** Throws INVALID_STATE while CONNECTING; after close() the data is counted in bufferedAmount and dropped. */
  send(data: SendData): void {
    if (!this.endpoint.send(data)) {
      this.discarded += typeof data === "string" ? data.length : data.byteLength;
    }
  }

  close(code?: number, reason?: string): void {
    this.endpoint.close(code, reason);
  }
}

// As WebIDL constants are: read-only, enumerable, on the prototype and the class.
Object.defineProperties(SocketBase.prototype, {
  CONNECTING: { value: 0, enumerable: true },
  OPEN: { value: 1, enumerable: true },
  CLOSING: { value: 2, enumerable: true },
  CLOSED: { value: 3, enumerable: true },
});

/** The third argument's names: every client option but the two the browser API gives otherwise. */
const WEBSOCKET_OPTIONS: readonly string[] = Object.freeze(CLIENT_OPTIONS.filter((name) => name !== "protocols" && name !== "fragments"));

/** The client: `new WebSocket(url, protocols?, options?)`. Entries bind it to a runtime. */
export class WebSocketBase extends SocketBase {
  constructor(runtime: Runtime, url: string, protocols?: string | string[], options?: WebSocketOptions) {
    const offered = checkWebSocketArguments(protocols, options);
    super((listener) => new Client(runtime, url, { ...options, protocols: offered }, listener));
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
  knownOptions("WebSocket options (the third argument)", optionsObject("WebSocket options (the third argument)", options), WEBSOCKET_OPTIONS);
  if (protocols === undefined || protocols === null || typeof protocols === "string" || Array.isArray(protocols)) {
    return protocols as string | string[] | undefined;
  }
  if (typeof protocols === "object" && typeof (protocols as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function") {
    return Array.from(protocols as Iterable<string>);
  }
  throw new WebSocketError("INVALID_ARGUMENT", `new WebSocket(url, protocols, options): protocols must be a string or an array of strings, got ${describeValue(protocols)}; ` +
    "options go in the third argument, e.g. new WebSocket(url, [], { headers })");
}
