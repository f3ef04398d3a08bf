/** Real peers on 127.0.0.1 (port 0) for the seed API tests. */
import { createServer, type Server, type Socket } from "node:net";
import type { IncomingMessage } from "node:http";
import { WebSocketServer, type WebSocket as PeerSocket } from "ws";
import { requestKey, response101 } from "../support/open-core";

export interface Peer {
  url: string;
  server: WebSocketServer;
  /** Server-side sockets, in the order clients connected. */
  sockets: PeerSocket[];
  requests: IncomingMessage[];
  /** Resolves with the next server-side socket. */
  nextSocket(): Promise<PeerSocket>;
  close(): Promise<void>;
}

/** A `ws` server; `onConnection` defaults to echoing every message with its type. */
export async function startPeer(options: { onConnection?: (socket: PeerSocket) => void; protocols?: (offered: Set<string>) => string | false } = {}): Promise<Peer> {
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: options.protocols ? (offered) => options.protocols!(offered) : undefined,
  });
  const sockets: PeerSocket[] = [];
  const requests: IncomingMessage[] = [];
  const waiting: Array<(s: PeerSocket) => void> = [];
  server.on("connection", (socket, request) => {
    sockets.push(socket);
    requests.push(request);
    if (options.onConnection) options.onConnection(socket);
    else socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
    waiting.shift()?.(socket);
  });
  await new Promise<void>((resolve, reject) => { server.once("listening", resolve); server.once("error", reject); });
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    server,
    sockets,
    requests,
    nextSocket: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise<void>((resolve) => {
      for (const s of server.clients) s.terminate();
      server.close(() => resolve());
    }),
  };
}

export interface RawPeer {
  url: string;
  port: number;
  /** Resolves with the next accepted TCP socket, after the opening handshake when `handshake` is true. */
  nextSocket(): Promise<Socket>;
  close(): Promise<void>;
}

/**
 * A bare TCP server: with `handshake` it answers the opening handshake with a
 * correct 101 and then lets the test write raw frames; without, it accepts and
 * says nothing (a server that hangs).
 */
export async function startRawPeer(handshake: boolean): Promise<RawPeer> {
  const open: Socket[] = [];
  const waiting: Array<(s: Socket) => void> = [];
  const ready: Socket[] = [];
  const server: Server = createServer((socket) => {
    open.push(socket);
    socket.on("error", () => { /* the client may reset */ });
    if (!handshake) { deliver(socket); return; }
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.indexOf("\r\n\r\n") < 0) return;
      socket.off("data", onData);
      socket.write(response101(requestKey(new Uint8Array(head))));
      deliver(socket);
    };
    socket.on("data", onData);
  });
  function deliver(socket: Socket) {
    const w = waiting.shift();
    if (w) w(socket); else ready.push(socket);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    nextSocket: () => new Promise((resolve) => { const s = ready.shift(); if (s) resolve(s); else waiting.push(resolve); }),
    close: () => new Promise<void>((resolve) => { for (const s of open) s.destroy(); server.close(() => resolve()); }),
  };
}

/** A port nothing listens on (taken from a server that was closed again). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves when `predicate` holds, checking every few ms (the test timeout bounds it). */
export async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 2));
}

/** Collects bytes a raw socket receives. */
export function collect(socket: Socket): { bytes: () => Uint8Array } {
  const parts: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => parts.push(chunk));
  return { bytes: () => new Uint8Array(Buffer.concat(parts)) };
}
