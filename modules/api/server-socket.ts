import type { UpgradeRequest } from "../core/server-handshake";
import type { Platform } from "../platform/platform";
import { ServerPeer, type PeerOptions } from "../server/peer";
import type { AcceptedChannel } from "../transport/transport";
import { SocketBase } from "./browser";

/**
 * A connection a server accepted, with the same API as the client socket
 * (send, close, onmessage, readyState …) plus the upgrade request.
 */
export class ServerSocket extends SocketBase {
  constructor(
    platform: Platform,
    channel: AcceptedChannel,
    options: PeerOptions,
    parsed?: { request: UpgradeRequest; head?: Uint8Array },
  ) {
    super((listener) => new ServerPeer(platform, channel, options, listener, parsed));
  }

  /** The client's upgrade request (path, headers), once it has arrived. */
  get request(): UpgradeRequest | undefined {
    return (this.endpoint as ServerPeer).request;
  }

  /** The request target (path and query) the client asked for. */
  get url(): string {
    return this.request?.path ?? "";
  }

  /**
   * Send a ping (at most 125 bytes of data); the client answers with a pong. Servers ping to keep
   * idle connections alive through NATs and proxies (browsers cannot); PeerOptions.idleTimeout ends
   * a connection that sends nothing back. False when the socket is not open.
   */
  ping(data?: string | ArrayBuffer | ArrayBufferView): boolean {
    if (this.readyState !== 1) return false;
    return this.endpoint.ping(data);
  }
}

/**
 * What server entries construct for each accepted connection (ServerSocket or a subclass such as FibjsServerSocket).
 */
export type ServerSocketClass<S extends ServerSocket> = new (
  platform: Platform,
  channel: AcceptedChannel,
  options: PeerOptions,
  parsed?: { request: UpgradeRequest; head?: Uint8Array },
) => S;
