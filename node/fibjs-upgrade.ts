/**
 * Seed 004's `ws.upgrade(accept)` on Node: the listener for http.Server's
 * `upgrade` event, handing accept(conn, req) a FibjsServerSocket.
 *
 *   server.on("upgrade", ws.upgrade((conn, req) => { conn.on("message", (e) => conn.send(e.data)); }));
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { FibjsServerSocket } from "../modules/api/fibjs-server-socket";
import type { FibjsAccept } from "../modules/device/fibjs-upgrade";
import { WebSocketError } from "../modules/core/errors";
import { upgrade as nodeUpgrade, type UpgradeOptions } from "./server";

export function fibjsUpgrade(accept: FibjsAccept, options: UpgradeOptions = {}): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  if (typeof accept !== "function") throw new WebSocketError("INVALID_ARGUMENT", "ws.upgrade(accept) needs an accept function");
  return nodeUpgrade(accept, options, FibjsServerSocket);
}
