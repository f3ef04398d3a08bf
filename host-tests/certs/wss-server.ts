/**
 * A real wss echo server (`ws` over `https`) on 127.0.0.1, port 0, that
 * records what each TLS connection brought: SNI name and client certificate.
 */
import { createServer, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { WebSocketServer } from "ws";

export interface Seen {
  servername: string | false;
  clientCn: string | undefined;
}

export interface WssServer {
  port: number;
  /** One record per WebSocket connection that got through TLS and the handshake. */
  seen: Seen[];
  close(): Promise<void>;
}

export async function startWss(options: ServerOptions): Promise<WssServer> {
  const https = createServer(options);
  // Refused handshakes are what several tests want; keep them off the console.
  https.on("tlsClientError", () => {});
  const wss = new WebSocketServer({ server: https });
  const seen: Seen[] = [];
  wss.on("connection", (ws, req) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    const cn = peer && peer.subject ? peer.subject.CN : undefined;
    seen.push({ servername: socket.servername ?? false, clientCn: Array.isArray(cn) ? cn[0] : cn });
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  return {
    port: (https.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      https.closeAllConnections();
      https.close(() => resolve());
    }),
  };
}
