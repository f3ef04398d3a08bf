/**
 * Seed 004's `ws.upgrade(accept)` for Moddable's HTTP server (the `http`
 * module), so one port serves a page and its WebSocket. Moddable's server
 * reports the request line first (`Server.status`, with path and method);
 * there the handler takes the socket over with `server.detach(request)`
 * (the same hand-off Moddable's own `websocket` Server.attach uses) and
 * reads the headers itself:
 *
 *   const ws = upgrade((conn, req) => { conn.onmessage = (e) => conn.send(e.data); });
 *   const http = new HTTPServer({ port: 80 });
 *   http.callback = function (message, value, etc) {
 *     if (message === HTTPServer.status && value === "/ws") return ws(http, this, value, etc);
 *     ...serve pages...
 *   };
 *
 * Moddable's server has already consumed the request line and keeps only
 * path and method, so the line is rebuilt as `METHOD path HTTP/1.1` (it
 * accepts HTTP/1.0 and 1.1 lines; a 1.0 client cannot send the headers an
 * upgrade needs anyway, so nothing it would refuse is let through).
 */
import { ServerSocket, type ServerSocketClass } from "../api/server-socket";
import { WebSocketError } from "../core/errors";
import { asciiBytes } from "../core/http-head";
import { refusalResponse, type UpgradeRequest } from "../core/server-handshake";
import { createModdablePlatform } from "../platform/moddable";
import type { Platform } from "../platform/platform";
import { Admission, DEFAULT_MAX_CONNECTIONS } from "../server/admission";
import { AdmittedChannel } from "../server/admitted-channel";
import { LegacySocketChannel, type LegacySocket } from "../server/legacy-socket-channel";
import { devicePeerOptions, type PeerOptions } from "../server/peer";
import { checkServerOptions, HTTP_UPGRADE_OPTIONS } from "../server/server-options";

export type Accept<S extends ServerSocket = ServerSocket> = (socket: S, request: UpgradeRequest) => void;

/** Moddable's HTTP server as far as the hand-off needs it. */
export interface ModdableHttpServer {
  detach(request: object): LegacySocket;
}

export interface HttpUpgradeOptions extends PeerOptions {
  /** Most WebSocket connections held at once through this handler (default 4); more get 503. */
  maxConnections?: number;
  /**
   * Bytes queued per connection before send() reports back-pressure (default 16384: modules/transport/byte-pipe.ts says
   * why).
   */
  highWaterMark?: number;
  platform?: Platform;
}

/**
 * Call it from the HTTP server's callback on `Server.status`: (server, this, path, method).
 * `server` is typed loosely because the SDK's typings for `http` predate `detach()`.
 */
export type UpgradeHandler = (server: object, request: object, path: string, method: string) => void;

export function upgrade<S extends ServerSocket = ServerSocket>(
  accept: Accept<S>,
  options: HttpUpgradeOptions = {},
  Socket: ServerSocketClass<S> = ServerSocket as unknown as ServerSocketClass<S>,
): UpgradeHandler {
  checkServerOptions("upgrade() options", options, HTTP_UPGRADE_OPTIONS);
  const platform = options.platform ?? createModdablePlatform();
  const admission = new Admission(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS.device);
  const peerOptions = devicePeerOptions(options);
  const defer = (fn: () => void): void => {
    platform.setTimer(fn, 0);
  };
  return (server, request, path, method) => {
    const detach = (server as Partial<ModdableHttpServer>).detach;
    if (typeof detach !== "function") {
      throw new WebSocketError(
        "INVALID_ARGUMENT",
        "this HTTP server has no detach(request): it needs a Moddable SDK whose http Server can hand a connection over",
      );
    }
    const legacy = detach.call(server, request);
    const prefix = asciiBytes(`${method} ${path} HTTP/1.1\r\n`);
    const channel = new LegacySocketChannel(legacy, { highWaterMark: options.highWaterMark, prefix, defer });
    if (!admission.enter()) {
      channel.attach({ onOpen() {}, onData() {}, onDrain() {}, onClose() {} });
      channel.write(asciiBytes(refusalResponse(503, `too many connections (limit ${admission.limit})`)));
      channel.end();
      return;
    }
    const socket = new Socket(platform, new AdmittedChannel(channel, admission), peerOptions);
    const opened = (): void => {
      socket.removeEventListener("open", opened);
      if (socket.request) accept(socket, socket.request);
    };
    socket.addEventListener("open", opened);
  };
}
