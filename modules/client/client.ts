import { ClientConnection } from "../core/client-connection";
import { CONNECTING, type ConnectionEvents, type ReadyState } from "../core/connection";
import { WebSocketError } from "../core/errors";
import { validateHeaders, validateProtocols } from "../core/handshake";
import { parseUrl, type WebSocketUrl } from "../core/url";
import type { TimerHandle } from "../platform/platform";
import type { ConnectTarget, TlsConfig, TlsProvider, Transport, TransportEvents } from "../transport/transport";
import { toPayload, type SendData } from "./payload";
import type { Runtime } from "./runtime";

export interface ClientOptions {
  /** Offered subprotocols. */
  protocols?: string | string[];
  /** Extra handshake headers: an object, or "Name: value" strings. */
  headers?: Record<string, string> | string[];
  /** Largest message accepted, in bytes (default 16 MiB); larger closes with 1009. */
  maxMessageSize?: number;
  /** Most fragments one message may have (default 131072); more closes with 1009. */
  maxFragments?: number;
  /** Deliver message parts as they arrive (onFragment) instead of whole messages. */
  fragments?: boolean;
  /** ms to wait for the peer's close frame and TCP close after ours (default 5000). */
  closeTimeout?: number;
  /** ms for TCP, TLS and the opening handshake together (default 10000). */
  connectTimeout?: number;
  /** TLS settings for wss. */
  tls?: TlsConfig;
  /** Per-host TLS settings (the certificate bundle); used when `tls` is absent. */
  certificates?: TlsProvider;
}

export interface OpenInfo {
  protocol: string;
  extensions: string;
  headers: Map<string, string>;
}

export interface ClientListener {
  onOpen?(info: OpenInfo): void;
  onMessage?(data: string | Uint8Array, binary: boolean): void;
  onFragment?(data: string | Uint8Array, binary: boolean, final: boolean): void;
  onPing?(payload: Uint8Array): void;
  onPong?(payload: Uint8Array): void;
  /** At most one per connection, always followed by onClose. */
  onError?(error: WebSocketError): void;
  onClose?(code: number, reason: string, wasClean: boolean): void;
  /** The transport flushed everything written so far. */
  onDrain?(): void;
}

export const DEFAULTS = {
  maxMessageSize: 16 * 1024 * 1024,
  maxFragments: 131072,
  closeTimeout: 5000,
  connectTimeout: 10000,
} as const;

/**
 * One WebSocket connection: drives the sans-I/O core over a transport, with
 * the timers the core leaves to its owner. Every public API is a facade
 * over this class.
 */
export class Client implements TransportEvents {
  readonly url: string;
  protocol = "";
  extensions = "";
  private readonly runtime: Runtime;
  private readonly listener: ClientListener;
  private readonly connection: ClientConnection;
  private readonly transport: Transport;
  private readonly closeTimeout: number;
  private timer: TimerHandle | undefined;
  private transportGone = false;

  constructor(runtime: Runtime, url: string, options: ClientOptions, listener: ClientListener) {
    const parsed = parseUrl(url);
    const protocols = validateProtocols(options.protocols);
    const headers = validateHeaders(options.headers);
    this.url = parsed.href;
    this.runtime = runtime;
    this.listener = listener;
    this.closeTimeout = options.closeTimeout ?? DEFAULTS.closeTimeout;
    const platform = runtime.platform;
    this.connection = new ClientConnection({
      url: parsed,
      protocols,
      headers,
      maxMessageSize: options.maxMessageSize ?? DEFAULTS.maxMessageSize,
      maxFragments: options.maxFragments ?? DEFAULTS.maxFragments,
      streaming: options.fragments === true,
      random: (bytes) => platform.randomFill(bytes),
      encodeUtf8: platform.encodeUtf8,
      decodeUtf8: platform.decodeUtf8,
    }, this.connectionEvents());
    const target = targetFor(parsed, options);
    this.transport = runtime.createTransport(target);
    this.startTimer(options.connectTimeout ?? DEFAULTS.connectTimeout, () => {
      if (this.connection.state === CONNECTING) {
        this.connection.abort(new WebSocketError("CONNECT_TIMEOUT", `no connection to ${parsed.href} within ${options.connectTimeout ?? DEFAULTS.connectTimeout} ms`));
      }
    });
    this.transport.connect(target, this);
  }

  get readyState(): ReadyState {
    return this.connection.state;
  }

  get bufferedAmount(): number {
    return this.transportGone ? 0 : this.transport.bufferedAmount;
  }

  /** Send a message; false when the connection is not OPEN (nothing was sent). */
  send(data: SendData, binary?: boolean): boolean {
    if (this.connection.state === CONNECTING) {
      throw new WebSocketError("INVALID_STATE", "send() before the connection is open");
    }
    const payload = toPayload(data);
    return this.connection.send(payload, binary ?? typeof payload !== "string");
  }

  sendFrame(fin: boolean, opcode: number, data: SendData): boolean {
    if (this.connection.state === CONNECTING) {
      throw new WebSocketError("INVALID_STATE", "sendFrame() before the connection is open");
    }
    return this.connection.sendFrame(fin, opcode, toPayload(data));
  }

  ping(data?: SendData): boolean {
    if (this.connection.state === CONNECTING) {
      throw new WebSocketError("INVALID_STATE", "ping() before the connection is open");
    }
    return this.connection.ping(data === undefined ? undefined : toPayload(data));
  }

  /**
   * Start the closing handshake, or abort a connection still opening.
   * Invalid code or reason throws and sends nothing.
   */
  close(code?: number, reason?: string, anyWireCode = false): void {
    if (this.connection.state === CONNECTING) {
      this.connection.close(code, reason, anyWireCode); // validates arguments only
      this.connection.abort(new WebSocketError("ABORTED", "closed before the connection was established"));
      return;
    }
    this.connection.close(code, reason, anyWireCode);
  }

  /** Stop reading from the transport (flow control for pull-style APIs). */
  pause(): void {
    this.transport.pause?.();
  }

  resume(): void {
    this.transport.resume?.();
  }

  // ---- transport events ----

  onOpen(): void {
    if (this.connection.state === CONNECTING) this.connection.start();
  }

  onData(chunk: Uint8Array): void {
    this.connection.receive(chunk);
  }

  onDrain(): void {
    this.listener.onDrain?.();
  }

  onClose(error?: WebSocketError): void {
    this.transportGone = true;
    this.stopTimer();
    if (!error && this.connection.state === CONNECTING) {
      error = new WebSocketError("CONNECTION_FAILED", `${this.url}: the connection closed before the opening handshake completed`);
    }
    this.connection.transportClosed(error);
  }

  // ---- core events ----

  private connectionEvents(): ConnectionEvents {
    return {
      write: (bytes) => { if (!this.transportGone) this.transport.write(bytes); },
      open: (protocol, extensions, headers) => {
        this.stopTimer();
        this.protocol = protocol;
        this.extensions = extensions;
        this.listener.onOpen?.({ protocol, extensions, headers });
      },
      message: (data, binary) => this.listener.onMessage?.(data, binary),
      fragment: (data, binary, final) => this.listener.onFragment?.(data, binary, final),
      ping: (payload) => this.listener.onPing?.(payload),
      pong: (payload) => this.listener.onPong?.(payload),
      error: (error) => this.listener.onError?.(error),
      stateChange: (state) => {
        if (state === 2) this.startTimer(this.closeTimeout, () => this.connection.closeTimedOut());
      },
      shutdown: (graceful) => {
        if (this.transportGone) return;
        if (graceful) this.transport.end();
        else this.transport.destroy();
      },
      closed: (code, reason, wasClean) => {
        this.stopTimer();
        this.listener.onClose?.(code, reason, wasClean);
      },
    };
  }

  private startTimer(ms: number, fire: () => void): void {
    this.stopTimer();
    this.timer = this.runtime.platform.setTimer(() => { this.timer = undefined; fire(); }, ms);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) {
      this.runtime.platform.clearTimer(this.timer);
      this.timer = undefined;
    }
  }
}

function targetFor(url: WebSocketUrl, options: ClientOptions): ConnectTarget {
  const target: ConnectTarget = { host: url.host, port: url.port, secure: url.secure };
  if (url.secure) {
    const tls = options.tls ?? options.certificates?.tlsFor(url.host);
    if (tls) target.tls = tls;
  }
  return target;
}

