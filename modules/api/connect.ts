/**
 * Seed 000's `websocket` module: `ws.connect(url, protocols?, extra_header?)`
 * returning an object with send / close / readyState / on(event, fn).
 * A thin facade over the one Client; entries bind it to a runtime:
 *
 *   import ws from "websocket";            // device (Moddable specifier)
 *   const wsClient = ws.connect("ws://host:port/");
 */
import { Client, type ClientOptions } from "../client/client";
import type { ClientListener, OpenInfo } from "../endpoint/endpoint";
import { toArrayBuffer, type SendData } from "../endpoint/payload";
import type { Runtime } from "../endpoint/runtime";
import { WebSocketError, type ErrorCode } from "../core/errors";
import { CLIENT_OPTIONS } from "../client/client-options";
import { knownOptions, optionError, optionsObject } from "../core/options";
import { withEntryDefaults } from "./options";
import { utf8Length } from "../core/utf8";

// The seed's unit_ws_conn_state_t, by name and by number.
export const WS_CONNECTING = 0;
export const WS_CONNECTED = 1;
export const WS_DISCONNECTING = 2;
export const WS_DISCONNECT = 3;
export const WS_CONN_ERR = 4;
export const WS_SEND_DATA_ERR = 5;
export const WS_RECV_DATA_ERR = 6;
export type WsConnState = 0 | 1 | 2 | 3 | 4 | 5 | 6;
// Frozen: on a device constants live in flash (xsl warns about unfrozen ones).
export const WS_STATE_NAMES = Object.freeze([
  "WS_CONNECTING",
  "WS_CONNECTED",
  "WS_DISCONNECTING",
  "WS_DISCONNECT",
  "WS_CONN_ERR",
  "WS_SEND_DATA_ERR",
  "WS_RECV_DATA_ERR",
] as const);

/** Given to 'open' listeners. */
export interface WsOpenOption {
  state: typeof WS_CONNECTED;
  protocol: string;
  extensions: string;
  /** Response headers of the opening handshake, names in lower case. */
  headers: Map<string, string>;
}

/** Given to 'close' listeners. */
export interface WsCloseOption {
  state: typeof WS_DISCONNECT;
  code: number;
  reason: string;
  wasClean: boolean;
}

/** Given to 'error' listeners; `state` is one of the seed's error states. */
export interface WsErrorOption {
  state: typeof WS_CONN_ERR | typeof WS_SEND_DATA_ERR | typeof WS_RECV_DATA_ERR;
  /** The state's name, e.g. "WS_CONN_ERR". */
  name: string;
  message: string;
  /** The library's error code, e.g. "CONNECT_TIMEOUT". */
  code: ErrorCode;
  /** The close code sent to the peer, when the error ended the connection. */
  closeCode?: number;
  error: WebSocketError;
}

/** The seed's unit_ws_msg_t. */
export interface WsMessage {
  /** Text as a string, binary data as an ArrayBuffer. */
  payload: string | ArrayBuffer;
  /** Bytes of payload (UTF-8 bytes for text). */
  payload_len: number;
  /** Last part of the message (always true without the `fragments` option). */
  is_final: boolean;
  /** One part of a message delivered in several parts (only with the `fragments` option). */
  is_fragment: boolean;
}

/** connect()'s fourth argument (ours, not the seed's): device limits, TLS, and `fragments`. */
export type ConnectOptions = Omit<ClientOptions, "protocols" | "headers">;
export type ExtraHeader = Record<string, string> | string[];

export interface WsEventMap {
  open: WsOpenOption;
  close: WsCloseOption;
  error: WsErrorOption;
  message: WsMessage;
}
export type WsEventName = keyof WsEventMap;

export interface WsClient {
  /** 0 CONNECTING, 1 CONNECTED (open), 2 CLOSING, 3 CLOSED. */
  readonly readyState: 0 | 1 | 2 | 3;
  readonly url: string;
  readonly protocol: string;
  readonly bufferedAmount: number;
  /**
   * Throws INVALID_STATE before 'open'; after close it returns false, sends nothing and emits a WS_SEND_DATA_ERR error.
   */
  send(data: SendData): boolean;
  /** A reason over 123 UTF-8 bytes, or a code other than 1000 / 3000-4999, throws and sends nothing. */
  close(code?: number, reason?: string): void;
  on<E extends WsEventName>(event: E, fn: (option: WsEventMap[E]) => void): WsClient;
}

export interface WebsocketModule {
  connect(url: string, protocols?: string | string[], extra_header?: ExtraHeader, options?: ConnectOptions): WsClient;
  readonly WS_CONNECTING: 0;
  readonly WS_CONNECTED: 1;
  readonly WS_DISCONNECTING: 2;
  readonly WS_DISCONNECT: 3;
  readonly WS_CONN_ERR: 4;
  readonly WS_SEND_DATA_ERR: 5;
  readonly WS_RECV_DATA_ERR: 6;
}

const EVENTS: readonly string[] = Object.freeze(["open", "close", "error", "message"]);

/** Which seed error state a library error belongs to. */
export function errorState(code: ErrorCode): WsErrorOption["state"] {
  switch (code) {
    case "SEND_FAILED":
      return WS_SEND_DATA_ERR;
    case "PROTOCOL_ERROR":
    case "INVALID_UTF8":
    case "MESSAGE_TOO_BIG":
    case "CONNECTION_LOST":
    case "CLOSE_TIMEOUT":
    case "HEARTBEAT_TIMEOUT":
      return WS_RECV_DATA_ERR;
    default:
      return WS_CONN_ERR; // refused, timed out, handshake or TLS failure, aborted while connecting
  }
}

function errorOption(error: WebSocketError): WsErrorOption {
  const state = errorState(error.code);
  const option: WsErrorOption = { state, name: WS_STATE_NAMES[state], message: error.message, code: error.code, error };
  if (error.closeCode !== undefined) option.closeCode = error.closeCode;
  return option;
}

function bad(message: string): never {
  throw new WebSocketError("INVALID_ARGUMENT", message);
}

class ConnectClient implements WsClient {
  private readonly client: Client;
  /**
   * Event name, listener, event name, listener …, in the order added: one array for all events (the XS heap rule,
   * ARCHITECTURE.md).
   */
  private readonly listeners: (WsEventName | ((option: never) => void))[] = [];
  /** fragments mode: a message's first part has been delivered and its last has not. */
  midMessage = false;

  constructor(
    runtime: Runtime,
    url: string,
    protocols: string | string[] | undefined,
    headers: ExtraHeader | undefined,
    options: ConnectOptions,
  ) {
    // Offered subprotocols must be answered, as in WebSocket-Node (the npm `websocket` the seed's
    // require('websocket') names), ws and browsers; `requireProtocol: false` in options opts out.
    const requireProtocol = options.requireProtocol === undefined ? true : options.requireProtocol;
    this.client = new Client(
      runtime,
      url,
      { ...options, protocols, headers, requireProtocol },
      new ConnectEvents(this),
    );
  }

  get readyState(): 0 | 1 | 2 | 3 {
    return this.client.readyState;
  }
  get url(): string {
    return this.client.url;
  }
  get protocol(): string {
    return this.client.protocol;
  }
  get bufferedAmount(): number {
    return this.client.bufferedAmount;
  }

  send(data: SendData): boolean {
    if (this.client.send(data)) return true;
    const state = this.client.readyState === 2 ? "closing" : "closed";
    this.emit(
      "error",
      errorOption(new WebSocketError("SEND_FAILED", `send() on a ${state} connection: nothing was sent`)),
    );
    return false;
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && typeof code !== "number") bad(`close code must be a number, not ${typeof code}`);
    if (reason !== undefined && typeof reason !== "string") bad(`close reason must be a string, not ${typeof reason}`);
    this.client.close(code, reason);
  }

  on<E extends WsEventName>(event: E, fn: (option: WsEventMap[E]) => void): WsClient {
    if (typeof event !== "string" || EVENTS.indexOf(event) < 0)
      bad(`unknown event "${String(event)}" (use ${EVENTS.join(", ")})`);
    if (typeof fn !== "function") bad(`the '${event}' listener must be a function`);
    this.listeners.push(event, fn as (option: never) => void);
    return this;
  }

  /** @internal Listeners added while this runs are called from the next event on. */
  emit<E extends WsEventName>(event: E, option: WsEventMap[E]): void {
    const all = this.listeners.slice();
    for (let i = 0; i < all.length; i += 2) {
      if (all[i] === event) (all[i + 1] as (option: WsEventMap[E]) => void).call(this, option);
    }
  }
}

/** The Client's listener: one small object per connection, its methods shared (not a closure per event). */
class ConnectEvents implements ClientListener {
  private readonly owner: ConnectClient;
  constructor(owner: ConnectClient) {
    this.owner = owner;
  }
  onOpen(info: OpenInfo): void {
    this.owner.emit("open", {
      state: WS_CONNECTED,
      protocol: info.protocol,
      extensions: info.extensions,
      headers: info.headers,
    });
  }
  onMessage(data: string | Uint8Array): void {
    this.owner.emit("message", message(data, true, false));
  }
  onFragment(data: string | Uint8Array, _binary: boolean, final: boolean): void {
    const isFragment = this.owner.midMessage || !final;
    this.owner.midMessage = !final;
    this.owner.emit("message", message(data, final, isFragment));
  }
  onError(error: WebSocketError): void {
    this.owner.emit("error", errorOption(error));
  }
  onClose(code: number, reason: string, wasClean: boolean): void {
    this.owner.emit("close", { state: WS_DISCONNECT, code, reason, wasClean });
  }
}

function message(data: string | Uint8Array, final: boolean, fragment: boolean): WsMessage {
  if (typeof data === "string")
    return { payload: data, payload_len: utf8Length(data), is_final: final, is_fragment: fragment };
  return { payload: toArrayBuffer(data), payload_len: data.byteLength, is_final: final, is_fragment: fragment };
}

function checkProtocols(protocols: unknown): string | string[] | undefined {
  if (protocols === undefined || protocols === null || protocols === "") return undefined;
  if (typeof protocols === "string") return protocols;
  if (Array.isArray(protocols) && protocols.every((p) => typeof p === "string")) return protocols as string[];
  throw optionError("protocols", protocols, "a string, an array of strings, or '' for none");
}

function checkHeaders(extra: unknown): ExtraHeader | undefined {
  if (extra === undefined || extra === null) return undefined;
  if (typeof extra !== "object")
    throw optionError("extra_header", extra, 'an object or an array of "Name: value" strings');
  return extra as ExtraHeader;
}

/** connect()'s fourth argument: the client options but the two the seed's arguments give. */
const CONNECT_OPTIONS: readonly string[] = Object.freeze(
  CLIENT_OPTIONS.filter((name) => name !== "protocols" && name !== "headers"),
);

/**
 * The seed's module object, bound to a runtime (Node or device). `defaults`
 * are the entry's client options (a device's manifest limits, its certificate
 * bundle); what the app passes to connect() wins.
 */
export function makeConnectModule(runtime: Runtime, defaults?: ClientOptions): WebsocketModule {
  // Consts, not the parameters: a device makes this while modules preload, and the XS linker warns about a parameter a
  // function keeps ("no const").
  const boundRuntime = runtime;
  const entryDefaults = defaults;
  return {
    connect(
      url: string,
      protocols?: string | string[],
      extra_header?: ExtraHeader,
      options?: ConnectOptions,
    ): WsClient {
      if (typeof url !== "string") bad(`url must be a string, not ${url === null ? "null" : typeof url}`);
      const own = optionsObject("connect() options", options);
      knownOptions("connect() options", own, CONNECT_OPTIONS);
      return new ConnectClient(
        boundRuntime,
        url,
        checkProtocols(protocols),
        checkHeaders(extra_header),
        withEntryDefaults(entryDefaults, own),
      );
    },
    WS_CONNECTING,
    WS_CONNECTED,
    WS_DISCONNECTING,
    WS_DISCONNECT,
    WS_CONN_ERR,
    WS_SEND_DATA_ERR,
    WS_RECV_DATA_ERR,
  };
}
