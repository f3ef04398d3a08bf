import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type ServerOptions, type WebSocket as WsPeer } from "ws";

export interface Started<T> { server: T; port: number; url: string; close(): Promise<void> }

/** A real `ws` server on 127.0.0.1 with an OS-chosen port; echoes unless told otherwise. */
export async function startWsServer(options: ServerOptions = {}, onConnection?: (peer: WsPeer, req: http.IncomingMessage) => void): Promise<Started<WebSocketServer>> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, ...options });
  server.on("connection", onConnection ?? ((peer) => peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }))));
  await new Promise<void>((resolve, reject) => { server.once("listening", resolve); server.once("error", reject); });
  const port = (server.address() as AddressInfo).port;
  return {
    server, port, url: `ws://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { for (const c of server.clients) c.terminate(); server.close(() => resolve()); }),
  };
}

/** A raw TCP server that answers each connection with `respond` (for broken handshakes). */
export async function startRawServer(respond: (socket: net.Socket, request: string) => void): Promise<Started<net.Server>> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let head = "";
    socket.on("data", (d) => {
      if (head.includes("\r\n\r\n")) return;
      head += d.toString("latin1");
      if (head.includes("\r\n\r\n")) respond(socket, head);
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server, port, url: `ws://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
