/**
 * fibjs' `ws` module (seed 004), client side, over the one Client:
 *
 *   const ws = makeFibjsModule(runtime);      // what fibjs code gets from its ws module
 *   const conn = new ws.Socket("ws://host/ws");
 *   conn.onmessage = (e) => console.log(e.data);
 *   conn.on("open", () => conn.send("hi"));
 *
 * The server side, `ws.upgrade(accept)`, is attached by each entry (node/seeds.ts, modules/device/fibjs.ts):
 * modules/device/fibjs-upgrade.ts on a device, node/fibjs-upgrade.ts on Node.
 */
import { Client, type ClientOptions } from "../client/client";
import type { ClientListener } from "../endpoint/endpoint";
import { toArrayBuffer, type SendData } from "../endpoint/payload";
import type { Runtime } from "../endpoint/runtime";
import { CLIENT_OPTIONS } from "../client/client-options";
import { WebSocketError } from "../core/errors";
import { booleanOption, integerOption, knownOptions, MAX_SIZE, optionError, stringOption } from "../core/options";
import { decodeUtf8, isValidUtf8 } from "../core/utf8";
import { CloseEvent, ErrorEvent, EventEmitterTarget, MessageEvent, WsEvent, type Listener } from "./events";
import { BINARY, CLOSE, CONTINUE, Message, PING, PONG, TEXT } from "./fibjs-message";
import { withEntryDefaults } from "./options";

export { Message, CONTINUE, TEXT, BINARY, CLOSE, PING, PONG } from "./fibjs-message";
export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;

/** fibjs' `new ws.Socket(url, opts)` options, plus this library's limits and TLS. */
export interface SocketOptions extends Omit<
  ClientOptions,
  "protocols" | "headers" | "fragments" | "maxMessageSize" | "perMessageDeflate"
> {
  /** Offered subprotocol(s). */
  protocol?: string | string[];
  /** Sent as the Origin header. */
  origin?: string;
  /**
   * true: offer permessage-deflate (the entry's configured offer, or default parameters); false: do not, even where the
   * manifest turns it on.
   */
  perMessageDeflate?: boolean;
  /** Largest message accepted, in bytes (fibjs default 64 MiB; here the client's default). */
  maxPayload?: number;
  headers?: Record<string, string>;
}

export type SocketEventName = "open" | "message" | "close" | "error";

/** The message event: `e.data` as in fibjs, and `e.message`, the ws.Message itself. */
export class SocketMessageEvent extends MessageEvent<string | ArrayBuffer, Socket> {
  readonly message: Message;
  constructor(data: string | ArrayBuffer, message: Message) {
    super(data);
    this.message = message;
  }
}

function bad(message: string): never {
  throw new WebSocketError("INVALID_ARGUMENT", message);
}

const STATE_NAMES = Object.freeze(["CONNECTING", "OPEN", "CLOSING", "CLOSED"]);

/** The events of a fibjs `ws.Socket`, by type; `event.target` is the socket. */
export interface SocketEventMap {
  open: WsEvent<Socket>;
  message: SocketMessageEvent;
  close: CloseEvent<Socket>;
  error: ErrorEvent<Socket>;
}

/** fibjs' WebSocket client object (`ws.Socket`), an EventEmitter with on* properties. */
export class Socket extends EventEmitterTarget<SocketEventMap> {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  onopen: ((event: SocketEventMap["open"]) => void) | null = null;
  onmessage: ((event: SocketEventMap["message"]) => void) | null = null;
  onclose: ((event: SocketEventMap["close"]) => void) | null = null;
  onerror: ((event: SocketEventMap["error"]) => void) | null = null;

  readonly origin: string;
  private readonly client: Client;

  /** `(url)`, `(url, protocol, origin?)` or `(url, opts)`, as fibjs has them; `defaults` come from the entry. */
  constructor(
    runtime: Runtime,
    url: string,
    protocolOrOptions?: string | string[] | SocketOptions,
    origin?: string,
    defaults?: ClientOptions,
  ) {
    super();
    if (typeof url !== "string") bad(`url must be a string, not ${url === null ? "null" : typeof url}`);
    const opts = socketOptions(protocolOrOptions, origin);
    const { protocol, origin: originHeader, perMessageDeflate, maxPayload, headers, ...rest } = opts;
    if (protocol !== undefined && typeof protocol !== "string" && !Array.isArray(protocol))
      throw optionError("protocol", protocol, "a string or an array of strings");
    booleanOption("perMessageDeflate", perMessageDeflate, false);
    integerOption("maxPayload", maxPayload, 1, MAX_SIZE, 0);
    if (headers !== undefined && (headers === null || typeof headers !== "object" || Array.isArray(headers)))
      throw optionError("headers", headers, "an object");
    stringOption("origin", originHeader);
    const allHeaders: Record<string, string> = { ...headers };
    if (originHeader) allHeaders["Origin"] = originHeader;
    this.origin = originHeader ?? "";
    // true: the entry's configured offer, or the defaults (withEntryDefaults); false: none, even where the manifest
    // turns it on.
    const options = withEntryDefaults(defaults, {
      ...rest,
      protocols: protocol,
      headers: allHeaders,
      maxMessageSize: maxPayload,
      perMessageDeflate,
    });
    // Offered subprotocols must be answered, as browsers require (`requireProtocol: false` opts out).
    this.client = new Client(
      runtime,
      url,
      { ...options, requireProtocol: options.requireProtocol === undefined ? true : options.requireProtocol },
      new Socket.Events(this),
    );
  }

  /**
   * The Client's listener: one small object per socket, its methods shared (not a closure per event: the XS heap rule,
   * ARCHITECTURE.md).
   */
  private static readonly Events = class implements ClientListener {
    private readonly socket: Socket;
    constructor(socket: Socket) {
      this.socket = socket;
    }
    onOpen(): void {
      this.socket.dispatch(new WsEvent("open"), this.socket.onopen);
    }
    onMessage(data: string | Uint8Array, binary: boolean): void {
      const payload = typeof data === "string" ? data : toArrayBuffer(data);
      this.socket.dispatch(new SocketMessageEvent(payload, Message.received(data, binary)), this.socket.onmessage);
    }
    onError(error: WebSocketError): void {
      this.socket.dispatch(new ErrorEvent(error), this.socket.onerror);
    }
    onClose(code: number, reason: string, wasClean: boolean): void {
      this.socket.dispatch(new CloseEvent(code, reason, wasClean), this.socket.onclose);
    }
  };

  get url(): string {
    return this.client.url;
  }
  get protocol(): string {
    return this.client.protocol;
  }
  get extensions(): string {
    return this.client.extensions;
  }
  get readyState(): number {
    return this.client.readyState;
  }
  get bufferedAmount(): number {
    return this.client.bufferedAmount;
  }

  /** Text (string), binary (ArrayBuffer or view), or a ws.Message. Throws unless OPEN. */
  send(data: SendData | Message): void {
    if (data instanceof Message) {
      this.sendMessage(data);
      return;
    }
    this.checkOpen("send");
    this.client.send(data);
  }

  /** fibjs' close: code 1000 or 3000-4999 (default 1000), reason up to 123 bytes. */
  close(code = 1000, reason = ""): void {
    if (typeof code !== "number") bad(`close code must be a number, not ${typeof code}`);
    if (typeof reason !== "string") bad(`close reason must be a string, not ${typeof reason}`);
    this.client.close(code, reason);
  }

  /** EventEmitter style, as fibjs' WebSocket has it: on("open", fn) is the same as onopen = fn. */
  on<K extends SocketEventName>(event: K, listener: (event: SocketEventMap[K]) => void): this {
    this.addEventListener(checkEvent(event), checkListener(event, listener));
    return this;
  }

  once<K extends SocketEventName>(event: K, listener: (event: SocketEventMap[K]) => void): this {
    this.addEventListener(checkEvent(event), checkListener(event, listener), { once: true });
    return this;
  }

  off<K extends SocketEventName>(event: K, listener: (event: SocketEventMap[K]) => void): this {
    this.removeEventListener(checkEvent(event), listener as Listener<WsEvent>);
    return this;
  }

  /** Message.sendTo(socket) lands here: the message's type decides the frame. */
  sendMessage(message: Message): void {
    if (!(message instanceof Message)) bad("sendMessage() needs a ws.Message");
    if (!message.masked) bad("a client must mask every frame it sends (RFC 6455 5.3): this message has masked = false");
    if (message.compress) bad("compress = true needs permessage-deflate, which this client does not negotiate");
    this.checkOpen("sendTo");
    const bytes = message.bytes();
    switch (message.type) {
      case TEXT:
        if (!isValidUtf8(bytes)) bad("the payload of a TEXT message must be valid UTF-8");
        this.client.sendFrame(true, TEXT, bytes);
        return;
      case BINARY:
        this.client.sendFrame(true, BINARY, bytes);
        return;
      case PING:
      case PONG:
        this.client.sendFrame(true, message.type, bytes);
        return;
      case CLOSE:
        this.closeWith(bytes);
        return;
      case CONTINUE:
      default:
        bad("a CONTINUE message cannot be sent on its own: send TEXT or BINARY");
    }
  }

  private closeWith(body: Uint8Array): void {
    if (body.length === 0) {
      this.client.close();
      return;
    }
    if (body.length === 1) bad("a CLOSE message's payload is empty or a 2-byte code followed by a reason");
    const reason = body.subarray(2);
    if (!isValidUtf8(reason)) bad("the reason in a CLOSE message must be valid UTF-8");
    this.close((body[0] << 8) | body[1], decodeUtf8(reason));
  }

  private checkOpen(what: string): void {
    const state = this.client.readyState;
    if (state !== OPEN)
      throw new WebSocketError("INVALID_STATE", `${what}() needs an OPEN socket; it is ${STATE_NAMES[state]}`);
  }
}

/** fibjs' own names, and the client options it does not name otherwise. */
const SOCKET_OPTIONS: readonly string[] = Object.freeze([
  "protocol",
  "origin",
  "perMessageDeflate",
  "maxPayload",
  "headers",
  ...CLIENT_OPTIONS.filter(
    (name) => ["protocols", "headers", "fragments", "maxMessageSize", "perMessageDeflate"].indexOf(name) < 0,
  ),
]);

function socketOptions(
  protocolOrOptions: string | string[] | SocketOptions | undefined,
  origin: string | undefined,
): SocketOptions {
  // fibjs' default protocol is "": none offered.
  if (protocolOrOptions === undefined || protocolOrOptions === null || protocolOrOptions === "")
    return origin === undefined ? {} : { origin };
  if (typeof protocolOrOptions === "string" || Array.isArray(protocolOrOptions)) {
    return origin === undefined ? { protocol: protocolOrOptions } : { protocol: protocolOrOptions, origin };
  }
  if (typeof protocolOrOptions !== "object") bad("the second argument must be a protocol string or an options object");
  if (origin !== undefined) bad("origin goes inside the options object when one is given");
  if ("httpClient" in protocolOrOptions) bad("the httpClient option is fibjs-only and not supported");
  knownOptions("ws.Socket options", protocolOrOptions, SOCKET_OPTIONS);
  return protocolOrOptions;
}

const EVENT_NAMES: readonly string[] = Object.freeze(["open", "message", "close", "error"]);

function checkEvent(event: string): string {
  if (typeof event !== "string" || EVENT_NAMES.indexOf(event) < 0)
    bad(`unknown event "${String(event)}" (use ${EVENT_NAMES.join(", ")})`);
  return event;
}

function checkListener(event: string, listener: unknown): Listener<WsEvent> {
  if (typeof listener !== "function") bad(`the "${event}" listener must be a function`);
  return listener as Listener<WsEvent>;
}

/** `new ws.Socket(url, protocolOrOptions?, origin?)` bound to a runtime. */
export type BoundSocket = new (
  url: string,
  protocolOrOptions?: string | string[] | SocketOptions,
  origin?: string,
) => Socket;

export interface FibjsModule {
  Socket: BoundSocket;
  Message: typeof Message;
  readonly CONTINUE: 0;
  readonly TEXT: 1;
  readonly BINARY: 2;
  readonly CLOSE: 8;
  readonly PING: 9;
  readonly PONG: 10;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
}

/** fibjs' `ws` module object bound to a runtime; `defaults` are the entry's client options. */
export function makeFibjsModule(runtime: Runtime, defaults?: ClientOptions): FibjsModule {
  // Consts, not the parameters: a device makes this while modules preload, and the XS linker warns about a parameter a
  // function keeps ("no const").
  const boundRuntime = runtime;
  const entryDefaults = defaults;
  class BoundSocketClass extends Socket {
    constructor(url: string, protocolOrOptions?: string | string[] | SocketOptions, origin?: string) {
      super(boundRuntime, url, protocolOrOptions, origin, entryDefaults);
    }
  }
  return {
    Socket: BoundSocketClass,
    Message,
    CONTINUE: 0,
    TEXT: 1,
    BINARY: 2,
    CLOSE: 8,
    PING: 9,
    PONG: 10,
    CONNECTING: 0,
    OPEN: 1,
    CLOSING: 2,
    CLOSED: 3,
  };
}
