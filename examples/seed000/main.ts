// Seed 000, section 5 ("例子"), on a Moddable device. The flow and the messages are the seed's;
// what a device lacks is swapped for its Moddable equivalent: `require` -> `import`,
// console.log -> trace (shown by xsbug / xsbug-log), setInterval -> Timer.repeat,
// and the server address comes from the manifest's config (`url=...` on the mcconfig command line).
import ws from "websocket";
import Timer from "timer";
import config from "mc/config";

const url: string = config.url;
const wsClient = ws.connect(url);
let timer: Timer | undefined;
let cnt = 0;

function onconnect() {
  trace("send\n");
  wsClient.send("hello ws.");
}

wsClient.on("open", function (option) {
  trace(`ws open, wsClient.readyState = ${wsClient.readyState}\n`);
  timer = Timer.repeat(onconnect, 500);
});

wsClient.on("error", function (error_info) {
  trace(`ws error: ${error_info.name} ${error_info.message}\n`);
});

wsClient.on("message", function (msg) {
  trace(`ws message, wsClient.readyState = ${wsClient.readyState}\n`);
  trace(`msg: ${String(msg.payload)}\n`);
  cnt++;
  trace(`cnt = ${cnt}\n`);
  if (cnt > 10) {
    cnt = 0;
    trace("close\n");
    Timer.clear(timer);
    wsClient.close();
  }
});

wsClient.on("close", function (option) {
  trace(`ws close, wsClient.readyState = ${wsClient.readyState}\n`);
});
