// The echo peer for the echo workloads: a `ws` server (compression off) on
// 127.0.0.1 in its own process. Prints {"port":N} once listening; exits when
// its stdin closes (the orchestrator holds it open).
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
server.on("connection", (peer) => {
  peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
  peer.on("error", () => {});
});
server.on("listening", () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
