// The echo peer of the compression benchmark: one `ws` server process on
// 127.0.0.1 with two endpoints, /deflate (perMessageDeflate, threshold 0: every
// message compressed, ws's other defaults: 15-bit windows, context takeover)
// and /plain (no extension, the baseline). It counts bytes on the wire per
// connection at the TCP socket: GET /stats?id=<id> answers what the socket has
// read (the client's frames) and written (the server's frames) so far.
// Prints {"port":N} once listening; exits when its stdin closes.
import http from "node:http";
import { WebSocketServer } from "ws";

const maxPayload = 64 * 1024 * 1024;
const endpoints = {
  "/deflate": new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0 }, maxPayload }),
  "/plain": new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload }),
};
const sockets = new Map();

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  const socket = url.pathname === "/stats" && sockets.get(url.searchParams.get("id"));
  if (!socket) {
    res.writeHead(404).end();
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ read: socket.bytesRead, written: socket.bytesWritten }));
});

server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url, "http://127.0.0.1");
  const wss = endpoints[url.pathname];
  const id = url.searchParams.get("id");
  if (!wss || !id) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (peer) => {
    sockets.set(id, socket);
    peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
    peer.on("close", () => sockets.delete(id));
    peer.on("error", () => {});
  });
});

server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
