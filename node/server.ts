import type { IncomingMessage } from "node:http";
import * as net from "node:net";
import type { Duplex } from "node:stream";
import { ServerSocket, type ServerSocketClass } from "../modules/api/server-socket";
import type { WebSocketError } from "../modules/core/errors";
import { addField } from "../modules/core/http-head";
import { refusalResponse, type UpgradeRequest } from "../modules/core/server-handshake";
import { Admission, DEFAULT_MAX_CONNECTIONS } from "../modules/server/admission";
import type { PeerOptions } from "../modules/server/peer";
import { checkServerOptions, NODE_SERVER_OPTIONS } from "../modules/server/server-options";
import { nodePlatform } from "./platform";
import { NodeTransport } from "./transport";

export interface UpgradeOptions extends PeerOptions {
  /** Most connections open at once through this handler or server, 1 to 2^31-1 (default 64); more get 503. */
  maxConnections?: number;
}

export type Accept<S extends ServerSocket = ServerSocket> = (socket: S, request: UpgradeRequest) => void;

/** Admits a socket or answers 503 and ends it; the count drops when the socket closes. */
function admit(admission: Admission, socket: Duplex): boolean {
  if (!admission.enter()) {
    socket.end(refusalResponse(503, `too many connections (limit ${admission.limit})`));
    return false;
  }
  socket.once("close", () => admission.leave());
  return true;
}

/**
 * The request as the core sees it, from Node's raw header lines (Node keeps only the
 * first of two Host lines): the same rules as our own head parser, so a repeated Host
 * is refused here too. Throws HANDSHAKE_FAILED with a status.
 */
function requestOf(req: IncomingMessage): UpgradeRequest {
  const headers = new Map<string, string>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) addField(headers, raw[i], raw[i + 1], "request");
  return { method: req.method ?? "", path: req.url ?? "/", version: `HTTP/${req.httpVersion}`, headers };
}

/**
 * Seed 004's `ws.upgrade(accept)`: a handler for Node's http.Server `upgrade`
 * event. Each good request becomes a ServerSocket handed to accept(socket, request).
 */
export function upgrade<S extends ServerSocket = ServerSocket>(accept: Accept<S>, options: UpgradeOptions = {},
  Socket: ServerSocketClass<S> = ServerSocket as unknown as ServerSocketClass<S>): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  checkServerOptions("upgrade() options", options, NODE_SERVER_OPTIONS);
  const admission = new Admission(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS.host);
  return (req, socket, head) => {
    if (!(socket instanceof net.Socket) || !admit(admission, socket)) return;
    let request: UpgradeRequest;
    try {
      request = requestOf(req);
    } catch (error) {
      const refused = error as WebSocketError;
      socket.end(refusalResponse(refused.status ?? 400, refused.message));
      return;
    }
    // Bytes that came with the request (a first frame in the same segment) go back into the
    // socket, so they are read after accept() has set the handlers, and before anything later.
    if (head.length) socket.unshift(head);
    const ws = new Socket(nodePlatform, new NodeTransport(socket), options, { request });
    if (ws.readyState === ws.OPEN) accept(ws, request);
  };
}

/** A standalone WebSocket server on a listening TCP socket: it reads the handshake itself. */
export function createServer(accept: Accept, options: UpgradeOptions = {}): net.Server {
  checkServerOptions("createServer() options", options, NODE_SERVER_OPTIONS);
  const admission = new Admission(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS.host);
  return net.createServer((socket) => {
    if (!admit(admission, socket)) return;
    const ws = new ServerSocket(nodePlatform, new NodeTransport(socket), options);
    const opened = () => { ws.removeEventListener("open", opened); if (ws.request) accept(ws, ws.request); };
    ws.addEventListener("open", opened);
  });
}
