// A real local echo server (the `ws` package) on 127.0.0.1 with a port the OS picks.
import { WebSocketServer } from "ws";

export async function startEchoServer() {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  server.on("connection", (socket) => {
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise((resolve, reject) => { server.once("listening", resolve); server.once("error", reject); });
  return { url: `ws://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}
