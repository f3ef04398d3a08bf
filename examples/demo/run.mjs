// The flow of seed 000's section-5 example, run on Node against a real echo server:
// open, send "hello ws." every 500 ms, print each echo, close after more than 10 messages.
import { WebSocket } from "../../dist/index.js";
import { startEchoServer } from "./echo-server.mjs";

const server = await startEchoServer();
console.log(`echo server listening at ${server.url}`);

const wsClient = new WebSocket(server.url);
let timer;
let cnt = 0;

function onconnect() {
  console.log("send");
  wsClient.send("hello ws.");
}

wsClient.onopen = () => {
  console.log("ws open, wsClient.readyState = ", wsClient.readyState);
  timer = setInterval(onconnect, 500);
};

wsClient.onerror = (error_info) => {
  console.log("ws error: ", error_info.message);
};

wsClient.onmessage = (msg) => {
  console.log("ws message, wsClient.readyState = ", wsClient.readyState);
  console.log("msg:", msg.data);
  cnt++;
  console.log("cnt = ", cnt);
  if (cnt > 10) {
    cnt = 0;
    console.log("close");
    clearInterval(timer);
    wsClient.close();
  }
};

wsClient.onclose = (event) => {
  clearInterval(timer);
  console.log("ws close, wsClient.readyState = ", wsClient.readyState);
  console.log(`close event: code ${event.code}, reason "${event.reason}", wasClean ${event.wasClean}`);
  server.close();
};
