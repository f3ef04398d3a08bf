/**
 * The real peer of the XS wss tests: `ws` over Node's `https` on 127.0.0.1,
 * port 0. Echoes every message, except the text "close <code> <reason>",
 * which it answers by closing with that code and reason. Records the SNI
 * name and client certificate of each WebSocket connection.
 */
import { createServer, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { WebSocketServer } from "ws";

export interface WssPeer {
  port: number;
  seen: { servername: string | false; clientCn: string | undefined }[];
  /** TLS handshakes the server refused or that failed. */
  tlsErrors: number;
  /** Per TLS connection, whether it resumed a session (Node's isSessionReused()). */
  reused: boolean[];
  close(): Promise<void>;
}

export async function startWssPeer(options: ServerOptions): Promise<WssPeer> {
  const https = createServer(options);
  const wss = new WebSocketServer({ server: https, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  const peer: WssPeer = { port: 0, seen: [], tlsErrors: 0, reused: [], close: async () => undefined };
  https.on("tlsClientError", () => peer.tlsErrors++);
  https.on("secureConnection", (socket: TLSSocket) => peer.reused.push(socket.isSessionReused()));
  wss.on("connection", (ws, req) => {
    const socket = req.socket as TLSSocket;
    const cert = socket.getPeerCertificate();
    const cn = cert && cert.subject ? cert.subject.CN : undefined;
    peer.seen.push({ servername: socket.servername ?? false, clientCn: Array.isArray(cn) ? cn[0] : cn });
    ws.on("message", (data, isBinary) => {
      const command = !isBinary ? /^close (\d+) (.*)$/s.exec(String(data)) : null;
      if (command) ws.close(Number(command[1]), command[2]);
      else ws.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  peer.port = (https.address() as AddressInfo).port;
  peer.close = () => new Promise<void>((resolve) => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    https.closeAllConnections();
    https.close(() => resolve());
  });
  return peer;
}
