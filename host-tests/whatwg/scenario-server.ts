/**
 * The peer of the WHATWG scenarios (scenarios.ts): one http.Server on
 * 127.0.0.1, port 0, that serves the scenario page to a browser and answers
 * WebSocket upgrades with the `ws` package, each path a behaviour:
 *
 *   /echo            echo every message with its type; select "chat" when offered
 *   /no-protocol     a 101 without Sec-WebSocket-Protocol, whatever was offered
 *   /drop            send "hi", then end TCP without a close frame
 *   /server-close    close at once with 4001 "server bye"
 *   /burst           three text frames in one TCP write, then echo
 *   /bad-utf8        a text frame that is not UTF-8
 *   /refused         403, no upgrade
 *   /slow            never answers the upgrade request
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket as PeerSocket } from "ws";
import { scenarioPage } from "./scenarios";

export interface ScenarioServer {
  /** "ws://127.0.0.1:PORT" */
  base: string;
  /** "http://127.0.0.1:PORT/": the page that runs the scenarios in a browser. */
  page: string;
  close(): Promise<void>;
}

function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

export async function startScenarioServer(): Promise<ScenarioServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    if (req.url === "/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(scenarioPage());
    } else {
      res.writeHead(404).end();
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const selectChat = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => (offered.has("chat") ? "chat" : false) });
  const selectNone = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => false });
  server.on("upgrade", (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const path = (req.url ?? "/").split("?")[0];
    socket.on("error", () => {});
    if (path === "/slow") return;
    if (path === "/refused") {
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    const wss = path === "/no-protocol" ? selectNone : selectChat;
    wss.handleUpgrade(req, socket, head, (peer: PeerSocket) => behave(path, peer, socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `ws://127.0.0.1:${port}`,
    page: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

function echo(peer: PeerSocket): void {
  peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
}

function behave(path: string, peer: PeerSocket, socket: Socket): void {
  peer.on("error", () => {});
  switch (path) {
    case "/drop":
      peer.send("hi", () => socket.end());
      return;
    case "/server-close":
      peer.close(4001, "server bye");
      return;
    case "/burst":
      socket.write(Buffer.concat([textFrame("one"), textFrame("two"), textFrame("three")]));
      echo(peer);
      return;
    case "/bad-utf8":
      socket.write(Buffer.from([0x81, 0x02, 0xc3, 0x28]));
      return;
    default:
      echo(peer);
  }
}
