// Seed 001's `ws:start(keepAlive, proc, reconnTime)`: a connection that reconnects by itself and
// pings after 30 s of silence, with every message handed to `proc`. LuatOS runs it in a task
// (`sys.taskInit(ws.start, ws, 30, proc)`); here start() returns a Promise that settles when
// websocket.exit(ws) ends the loop. The app sends a frame every 2 s while online and exits after 10 echoes.
import websocket from "websocket/luatos";
import Timer from "timer";
import config from "mc/config";

const url: string = config.url;
const ws = websocket.new(url);
let received = 0;

ws.on("open", () => trace(`open, state ${ws.state()}\n`));
// Between attempts the state is not CLOSED; on the close that ends the loop (after exit()) it is.
ws.on("close", (code, reason) => trace(`close ${code} ${reason}; ${ws.state() === "CLOSED" ? "start() has ended" : "start() reconnects"}\n`));
ws.on("error", (message) => trace(`error: ${message}\n`));

const sender = Timer.repeat(() => {
  if (ws.online()) ws.sendFrame(true, 0x1, "www.openluat.com");
}, 2000);

ws.start(30, (msg) => {
  trace(`proc: ${typeof msg === "string" ? msg : `${msg.byteLength} bytes`}\n`);
  if (++received === 10) websocket.exit(ws);
}, 1000).then(() => {
  Timer.clear(sender);
  trace(`start() ended, state ${ws.state()}\n`);
});
