/**
 * A real WebSocket server (`ws` behind node:http on 127.0.0.1) that records
 * every TCP connection and the path of every upgrade request: the witness
 * that a refused option connected nothing while the valid ones did. A
 * client of /send-N gets one binary message of N bytes.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer } from "ws";

export interface Witness {
  url: string;
  /** Paths of the upgrade requests seen, in order. */
  readonly paths: string[];
  /** The Sec-WebSocket-Extensions offer of each upgrade request, by path. */
  readonly offers: Map<string, string | undefined>;
  /** The headers of each upgrade request, by path. */
  readonly headers: Map<string, Record<string, string | string[] | undefined>>;
  /** TCP connections accepted. */
  tcpConnections(): number;
  close(): Promise<void>;
}

export async function startWitness(): Promise<Witness> {
  const paths: string[] = [];
  const offers = new Map<string, string | undefined>();
  const headers = new Map<string, Record<string, string | string[] | undefined>>();
  const sockets = new Set<Socket>();
  let tcp = 0;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on("connection", (socket) => {
    tcp++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req, socket, head) => {
    paths.push(req.url ?? "");
    offers.set(req.url ?? "", req.headers["sec-websocket-extensions"]);
    headers.set(req.url ?? "", req.headers);
    wss.handleUpgrade(req, socket, head, (peer) => {
      peer.on("error", () => undefined);
      // /send-N: the server sends one binary message of N bytes.
      const size = /^\/send-(\d+)$/.exec(req.url ?? "");
      if (size) peer.send(new Uint8Array(Number(size[1])));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    paths,
    offers,
    headers,
    tcpConnections: () => tcp,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      wss.close();
      server.close(() => resolve());
    }),
  };
}

export async function until(test: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
