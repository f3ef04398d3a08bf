// The TLS peers of bench/tls.mjs, in their own process on 127.0.0.1: a `ws`
// echo server over Node's https (wss) and a plain Node TLS server that ends
// each connection when the client does (handshakes). Certificates come from
// the directory given as argv[2]. Prints {"wss":N,"tls":N} once listening;
// exits when its stdin closes.
import { readFileSync } from "node:fs";
import { createServer as createHttps } from "node:https";
import { createServer as createTls } from "node:tls";
import { WebSocketServer } from "ws";

const dir = process.argv[2];
const credentials = { key: readFileSync(`${dir}/server.key`), cert: readFileSync(`${dir}/server-chain.pem`) };
const https = createHttps(credentials);
https.on("tlsClientError", () => {});
const wss = new WebSocketServer({ server: https, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
wss.on("connection", (peer) => {
  peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
  peer.on("error", () => {});
});
const tls = createTls(credentials, (socket) => {
  socket.on("data", () => {});
  socket.on("end", () => socket.end());
  socket.on("error", () => {});
});
tls.on("tlsClientError", () => {});
let listening = 0;
const ready = () => {
  if (++listening === 2) console.log(JSON.stringify({ wss: https.address().port, tls: tls.address().port }));
};
https.listen(0, "127.0.0.1", ready);
tls.listen(0, "127.0.0.1", ready);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
