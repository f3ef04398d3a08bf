import { Client, type ClientOptions } from "../client/client";
import { toArrayBuffer, type SendData } from "../client/payload";
import type { Runtime } from "../client/runtime";
import { WebSocketError } from "../core/errors";
import { CloseEvent, ErrorEvent, EventEmitterTarget, MessageEvent, WsEvent } from "./events";

export type BinaryType = "arraybuffer";

/** Options beyond the browser's two arguments (device limits, TLS). */
export type WebSocketOptions = Omit<ClientOptions, "protocols" | "fragments">;

/**
 * The browser WebSocket API (seed 003, WHATWG), over the one Client. Entries
 * bind it to a runtime: `WebSocket` from the Node entry or the device module.
 */
export class WebSocketBase extends EventEmitterTarget {
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

  private readonly client: Client;
  private binary: BinaryType = "arraybuffer";
  /** Bytes passed to send() after the connection started closing: counted, never sent (as browsers do). */
  private discarded = 0;

  constructor(runtime: Runtime, url: string, protocols?: string | string[], options?: WebSocketOptions) {
    super();
    this.client = new Client(runtime, url, { ...options, protocols }, {
      onOpen: () => this.dispatch(new WsEvent("open"), this.onopen),
      onMessage: (data) => this.dispatch(new MessageEvent(typeof data === "string" ? data : toArrayBuffer(data)), this.onmessage),
      onError: (error) => this.dispatch(new ErrorEvent(error), this.onerror),
      onClose: (code, reason, wasClean) => this.dispatch(new CloseEvent(code, reason, wasClean), this.onclose),
    });
  }

  get url(): string { return this.client.url; }
  get readyState(): number { return this.client.readyState; }
  get protocol(): string { return this.client.protocol; }
  get extensions(): string { return this.client.extensions; }
  get bufferedAmount(): number { return this.client.bufferedAmount + this.discarded; }

  get binaryType(): BinaryType { return this.binary; }
  set binaryType(type: BinaryType) {
    if ((type as string) === "blob") {
      throw new WebSocketError("INVALID_ARGUMENT", 'binaryType "blob" is not supported: devices have no Blob; binary messages arrive as ArrayBuffer');
    }
    if (type === "arraybuffer") this.binary = type;
  }

  /** Throws INVALID_STATE while CONNECTING; after close() the data is counted in bufferedAmount and dropped. */
  send(data: SendData): void {
    if (!this.client.send(data)) {
      this.discarded += typeof data === "string" ? data.length : data.byteLength;
    }
  }

  close(code?: number, reason?: string): void {
    this.client.close(code, reason);
  }
}
