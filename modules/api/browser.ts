import { Client, type ClientOptions } from "../client/client";
import type { ClientListener, Endpoint } from "../client/endpoint";
import { toArrayBuffer, type SendData } from "../client/payload";
import type { Runtime } from "../client/runtime";
import { WebSocketError } from "../core/errors";
import { CloseEvent, ErrorEvent, EventEmitterTarget, MessageEvent, WsEvent } from "./events";

export type BinaryType = "arraybuffer";

/** Options beyond the browser's two arguments (device limits, TLS). */
export type WebSocketOptions = Omit<ClientOptions, "protocols" | "fragments">;

/**
 * The browser WebSocket API (seed 003, WHATWG) over any endpoint: the client
 * role (WebSocketBase) and connections a server accepted share it.
 */
export abstract class SocketBase extends EventEmitterTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  onopen: ((event: WsEvent) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;

  protected readonly endpoint: Endpoint;
  private binary: BinaryType = "arraybuffer";
  /** Bytes passed to send() after the connection started closing: counted, never sent (as browsers do). */
  private discarded = 0;

  protected constructor(makeEndpoint: (listener: ClientListener) => Endpoint) {
    super();
    this.endpoint = makeEndpoint({
      onOpen: () => this.dispatch(new WsEvent("open"), this.onopen),
      onMessage: (data) => this.dispatch(new MessageEvent(typeof data === "string" ? data : toArrayBuffer(data)), this.onmessage),
      onError: (error) => this.dispatch(new ErrorEvent(error), this.onerror),
      onClose: (code, reason, wasClean) => this.dispatch(new CloseEvent(code, reason, wasClean), this.onclose),
    });
  }

  abstract get url(): string;
  get readyState(): number { return this.endpoint.readyState; }
  get protocol(): string { return this.endpoint.protocol; }
  get extensions(): string { return this.endpoint.extensions; }
  get bufferedAmount(): number { return this.endpoint.bufferedAmount + this.discarded; }

  get binaryType(): BinaryType { return this.binary; }
  set binaryType(type: BinaryType) {
    if ((type as string) === "blob") {
      throw new WebSocketError("INVALID_ARGUMENT", 'binaryType "blob" is not supported: devices have no Blob; binary messages arrive as ArrayBuffer');
    }
    if (type === "arraybuffer") this.binary = type;
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

/** The client: `new WebSocket(url, protocols?, options?)`. Entries bind it to a runtime. */
export class WebSocketBase extends SocketBase {
  constructor(runtime: Runtime, url: string, protocols?: string | string[], options?: WebSocketOptions) {
    super((listener) => new Client(runtime, url, { ...options, protocols }, listener));
  }

  get url(): string {
    return (this.endpoint as Client).url;
  }
}
