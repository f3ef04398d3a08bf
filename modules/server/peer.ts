import { CLOSED, CONNECTING, OPEN } from "../core/connection";
import { WebSocketError } from "../core/errors";
import { ServerConnection, type ServerPolicy } from "../core/server-connection";
import type { UpgradeRequest } from "../core/server-handshake";
import { Endpoint, type ClientListener } from "../endpoint/endpoint";
import { sharedFraming } from "../endpoint/framing";
import type { Platform, TimerHandle } from "../platform/platform";
import type { AcceptedChannel } from "../transport/transport";

export interface PeerOptions {
  /** Largest message accepted from a client (default 16 MiB on Node, 64 KiB on a device); larger closes with 1009. */
  maxMessageSize?: number;
  /** Most fragments one message may have (default 262144 on Node, 1024 on a device); more closes with 1009. */
  maxFragments?: number;
  /** ms a client has to complete its opening handshake (default 5000). */
  handshakeTimeout?: number;
  /** ms to wait for the client's close frame after ours (default 5000). */
  closeTimeout?: number;
  /**
   * ms without traffic in either direction after which the server closes
   * with 1001 "idle timeout" (default 0: off). Browsers send no pings by
   * themselves, so a page that only listens counts as active while the
   * server sends to it.
   */
  idleTimeout?: number;
  /** Subprotocol choice, origin check, extra response headers. */
  policy?: ServerPolicy;
}

/**
 * The same limits as the client's on the same platform (docs/server.md): a message the size
 * limit admits passes in frames of 64 bytes or more (maxFragments = maxMessageSize / 64, as
 * Autobahn 9.3/9.4 send 4 MiB), and many small frames cost no more memory than one (receiver.ts).
 */
export const SERVER_DEFAULTS = Object.freeze({
  maxMessageSize: 16 * 1024 * 1024,
  maxFragments: 262144,
  handshakeTimeout: 5000,
  closeTimeout: 5000,
  idleTimeout: 0,
} as const);

/**
 * Device entries (listen419, moddable-http) start from these, the manifest's client defaults: an ESP32 cannot hold 16
 * MiB.
 */
export const DEVICE_SERVER_DEFAULTS = Object.freeze({
  maxMessageSize: 64 * 1024,
  maxFragments: 1024,
} as const);

/** The device defaults under the caller's options (an option given as undefined keeps its default). */
export function devicePeerOptions(options: PeerOptions): PeerOptions {
  const out: PeerOptions = { ...DEVICE_SERVER_DEFAULTS };
  for (const key of Object.keys(options) as (keyof PeerOptions)[]) {
    if (options[key] !== undefined) (out as Record<string, unknown>)[key] = options[key];
  }
  return out;
}

/**
 * The server role over an accepted channel. Either it reads the opening
 * handshake itself (standalone listener), or an HTTP server hands it the
 * parsed request and the bytes that followed it.
 */
export class ServerPeer extends Endpoint {
  protected readonly connection: ServerConnection;
  protected readonly transport: AcceptedChannel;
  private readonly idleTimeout: number;
  private idleTimer: TimerHandle | undefined;
  private lastTraffic = 0;

  constructor(
    platform: Platform,
    channel: AcceptedChannel,
    options: PeerOptions,
    listener: ClientListener,
    parsed?: { request: UpgradeRequest; head?: Uint8Array },
  ) {
    super(platform, listener, options.closeTimeout ?? SERVER_DEFAULTS.closeTimeout);
    this.transport = channel;
    this.idleTimeout = options.idleTimeout ?? SERVER_DEFAULTS.idleTimeout;
    // Connections with the same platform and limits share one frozen options object (framing.ts).
    const framing = sharedFraming(
      platform,
      options.maxMessageSize ?? SERVER_DEFAULTS.maxMessageSize,
      options.maxFragments ?? SERVER_DEFAULTS.maxFragments,
      false,
    );
    this.connection = new ServerConnection(framing, options.policy ?? {}, this);
    channel.attach(this);
    if (parsed) {
      this.connection.accept(parsed.request, parsed.head);
    } else {
      const ms = options.handshakeTimeout ?? SERVER_DEFAULTS.handshakeTimeout;
      this.startTimer(ms, () => {
        if (this.connection.state === CONNECTING) {
          this.connection.abort(
            new WebSocketError("CONNECT_TIMEOUT", `client did not complete the opening handshake within ${ms} ms`),
          );
        }
      });
    }
  }

  /** The client's upgrade request, once it has arrived. */
  get request(): UpgradeRequest | undefined {
    return this.connection.request;
  }

  onOpen(): void {
    // An accepted channel is open from the start.
  }

  override onData(chunk: Uint8Array): void {
    this.lastTraffic = this.platform.now();
    super.onData(chunk);
  }

  /**
   * Idle accounting on top of the shared events: writes count as traffic; the idle timer lives from open to closed.
   * Backpressure: once the transport is over its high-water mark, we stop reading from this client
   * until what we wrote has drained. A client that does not read what we send (echoes, pongs) then
   * stops being read itself, so its queue stays near the high-water mark instead of growing without
   * bound (docs/server.md).
   */
  override onOutput(bytes: Uint8Array): boolean {
    this.lastTraffic = this.platform.now();
    const below = super.onOutput(bytes);
    if (!below && this.connection.state !== CLOSED) this.transport.pause?.();
    return below;
  }

  /** Everything written has drained: read from the client again. */
  override onDrain(): void {
    this.transport.resume?.();
    super.onDrain();
  }

  override onEstablished(protocol: string, extensions: string, headers: Map<string, string>): void {
    if (this.idleTimeout > 0) this.armIdle(this.idleTimeout);
    super.onEstablished(protocol, extensions, headers);
  }

  override onClosed(code: number, reason: string, wasClean: boolean): void {
    this.stopIdle();
    super.onClosed(code, reason, wasClean);
  }

  /** One timer per connection, re-armed for the time left rather than reset on every chunk. */
  private armIdle(ms: number): void {
    this.idleTimer = this.platform.setTimer(() => {
      this.idleTimer = undefined;
      if (this.connection.state !== OPEN) return;
      const quiet = this.platform.now() - this.lastTraffic;
      if (quiet >= this.idleTimeout) this.connection.close(1001, "idle timeout", true);
      else this.armIdle(this.idleTimeout - quiet);
    }, ms);
  }

  private stopIdle(): void {
    if (this.idleTimer === undefined) return;
    this.platform.clearTimer(this.idleTimer);
    this.idleTimer = undefined;
  }

  protected closedWhileOpening(cause?: WebSocketError): WebSocketError {
    return new WebSocketError(
      "CONNECTION_FAILED",
      `the client closed the connection before completing the opening handshake${cause ? ` (${cause.message})` : ""}`,
      cause ? { cause } : undefined,
    );
  }
}
