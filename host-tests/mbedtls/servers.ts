/**
 * Real peers on 127.0.0.1 (port 0) for the mbedTLS tests: a Node TLS echo
 * server, a `ws` server over `https`, `openssl s_server`, a server that
 * accepts TCP and never answers, and a proxy that cuts a TLS record in half
 * and resets the connection.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from "node:https";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { WebSocketServer } from "ws";

export interface Seen {
  servername: string | false;
  clientCn: string | undefined;
}

export interface PeerServer {
  port: number;
  /** What each connection that passed TLS brought (SNI, client certificate). */
  seen: Seen[];
  /** TCP connections accepted so far, and how many of them have closed. */
  accepted: number;
  closed: number;
  close(): Promise<void>;
}

function describe(socket: tls.TLSSocket): Seen {
  const peer = socket.getPeerCertificate();
  const cn = peer && peer.subject ? peer.subject.CN : undefined;
  return { servername: socket.servername ?? false, clientCn: Array.isArray(cn) ? cn[0] : cn };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function tracked(server: net.Server, sockets: Set<net.Socket>, peer: { accepted: number; closed: number }): void {
  server.on("connection", (socket: net.Socket) => {
    peer.accepted++;
    sockets.add(socket);
    socket.on("close", () => { peer.closed++; sockets.delete(socket); });
    socket.on("error", () => {});
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}

/** TLS echo: every byte that arrives goes back. "big:<n>\n" answers n bytes of 'x' instead. */
export async function startTlsEcho(options: tls.TlsOptions): Promise<PeerServer> {
  const sockets = new Set<net.Socket>();
  const seen: Seen[] = [];
  const server = tls.createServer(options, (socket) => {
    seen.push(describe(socket));
    socket.on("data", (data: Buffer) => {
      const text = data.toString("latin1");
      const big = /^big:(\d+)\n$/.exec(text);
      if (big) socket.write(Buffer.alloc(Number(big[1]), "x"));
      else socket.write(data);
    });
    socket.on("end", () => socket.end());
    socket.on("error", () => {});
  });
  server.on("tlsClientError", () => {});
  const peer: PeerServer = { port: 0, seen, accepted: 0, closed: 0, close: closer(server, sockets) };
  tracked(server, sockets, peer);
  peer.port = await listen(server);
  return peer;
}

export interface WssEchoServer extends PeerServer {
  /** Per TLS connection, whether it resumed a session (Node's isSessionReused()). */
  reused: boolean[];
  /** Drop every connection now (what a server restart does to its clients). */
  dropAll(): void;
}

/** A `ws` echo server over `https`. */
export async function startWssEcho(options: HttpsOptions): Promise<WssEchoServer> {
  const sockets = new Set<net.Socket>();
  const seen: Seen[] = [];
  const https = createHttpsServer(options);
  https.on("tlsClientError", () => {});
  const wss = new WebSocketServer({ server: https, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  wss.on("connection", (ws, req) => {
    seen.push(describe(req.socket as tls.TLSSocket));
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const peer: WssEchoServer = {
    port: 0, seen, accepted: 0, closed: 0, reused: [],
    dropAll: () => { for (const s of sockets) s.destroy(); },
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      wss.close();
      https.close(() => resolve());
    }),
  };
  https.on("secureConnection", (socket: tls.TLSSocket) => {
    peer.accepted++;
    peer.reused.push(socket.isSessionReused());
    sockets.add(socket);
    socket.on("close", () => { peer.closed++; sockets.delete(socket); });
  });
  peer.port = await listen(https);
  return peer;
}

/**
 * `openssl s_server` with the given certificate options: by default `-rev`
 * (answers each line reversed); with `rev: false` it only logs what arrives
 * and how the session ended ("DONE" after a close_notify).
 */
export async function startOpensslServer(args: string[], { rev = true } = {}): Promise<PeerServer & { log(): string; exited: Promise<void> }> {
  const child: ChildProcess = spawn("openssl", ["s_server", "-accept", "127.0.0.1:0", ...(rev ? ["-rev"] : []), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`openssl s_server exited (${code}): ${log}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    port, seen: [], accepted: 0, closed: 0,
    log: () => log,
    exited,
    close: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Accepts TCP connections, reads (and drops) what comes, never says a word: a handshake that stalls. */
export async function startSilentServer(): Promise<PeerServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => socket.resume());
  const peer: PeerServer = { port: 0, seen: [], accepted: 0, closed: 0, close: closer(server, sockets) };
  tracked(server, sockets, peer);
  peer.port = await listen(server);
  return peer;
}

export interface CuttingProxy extends PeerServer {
  /** From now on, the next bytes from the server reach the client only half, then the client's TCP is reset. */
  arm(): void;
}

/** A TCP proxy to `target`; once armed, it forwards half of the server's next chunk and resets the client. */
export async function startCuttingProxy(target: number): Promise<CuttingProxy> {
  const sockets = new Set<net.Socket>();
  let armed = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => {});
    client.on("data", (d) => upstream.write(d));
    upstream.on("data", (d: Buffer) => {
      if (!armed) { client.write(d); return; }
      armed = false;
      const half = Math.max(1, Math.floor(d.length / 2));
      client.write(d.subarray(0, half), () => {
        client.resetAndDestroy();
        upstream.destroy();
      });
    });
    client.on("close", () => upstream.destroy());
    upstream.on("end", () => client.end());
  });
  const peer: CuttingProxy = {
    port: 0, seen: [], accepted: 0, closed: 0, close: closer(server, sockets),
    arm: () => { armed = true; },
  };
  tracked(server, sockets, peer);
  peer.port = await listen(server);
  return peer;
}
