// `npm start -- --node`: the flow of seed 000's section-5 example on Node, with seed 000's own API (the
// package's default export, as `import ws from "websocket"` is on a device), against a real local echo
// server: open, send "hello ws." every 500 ms, print each echo, close after more than 10 messages. It prints
// the same lines as the XS run (examples/demo/xs.mjs, simulator/apps/seed000-demo.ts).
import ws from "../../dist/index.js";
import { startEchoServer } from "./echo-server.mjs";

const server = await startEchoServer();
console.log(`echo server listening at ${server.url}`);

const wsClient = ws.connect(server.url);
let timer;
let cnt = 0;

function onconnect() {
  console.log("send");
  wsClient.send("hello ws.");
}

wsClient.on("open", () => {
  console.log("ws open, wsClient.readyState = ", wsClient.readyState);
  timer = setInterval(onconnect, 500);
});

wsClient.on("error", (error_info) => {
  console.log("ws error: ", error_info.name, error_info.message);
});

wsClient.on("message", (msg) => {
  console.log("ws message, wsClient.readyState = ", wsClient.readyState);
  console.log("msg:", msg.payload);
  cnt++;
  console.log("cnt = ", cnt);
  if (cnt > 10) {
    cnt = 0;
    console.log("close");
    clearInterval(timer);
    wsClient.close();
  }
});

wsClient.on("close", (option) => {
  clearInterval(timer);
  console.log("ws close, wsClient.readyState = ", wsClient.readyState);
  console.log(`close event: code ${option.code}, reason "${option.reason}", wasClean ${option.wasClean}`);
  server.close();
});
