// One port, a page and its WebSocket: Moddable's HTTP server serves "/" and hands "/ws" over to
// our server (seed 004's ws.upgrade, modules/device/moddable-http.ts), which pushes a sample
// to every open page twice a second.
import { Server } from "http";
import config from "mc/config";
import Time from "time";
import Timer from "timer";
import { upgrade } from "websocket-client/device/moddable-http";
import type { ServerSocket } from "websocket-client/api/server-socket";
import { PAGE } from "page";
import { pageFragment, pageResponse, type PageRequest } from "page-response";

const viewers = new Set<ServerSocket>();

const ws = upgrade((socket, request) => {
  trace(`viewer connected (${request.headers.get("user-agent") ?? "unknown agent"})\n`);
  viewers.add(socket);
  socket.onmessage = (event) => {
    if (event.data === "ping") socket.send(JSON.stringify({ type: "pong", ticks: Time.ticks }));
  };
  socket.onclose = (event) => {
    viewers.delete(socket);
    trace(`viewer left: ${event.code} ${event.reason}\n`);
  };
}, { maxConnections: 3, idleTimeout: 0, maxMessageSize: 1024 });

const page = ArrayBuffer.fromString(PAGE); // the page's UTF-8 bytes, made once
const port: number = config.port ?? 80;
const http = new Server({ port });
http.callback = function (message, value, etc) {
  // `this` is the connection's request object; the path and how much of the page went out are kept on it.
  const request = this as unknown as PageRequest & { path?: string };
  if (message === Server.status) {
    if (value === "/ws") return ws(http, this, value, etc ?? "GET");
    request.path = value;
    return;
  }
  if (message === Server.prepareResponse) {
    // The page goes out in fragments: a whole body in one write fails past lin's 1024-byte send buffer.
    if (request.path === "/" || request.path === "/index.html") return pageResponse(page);
    return { status: 404, body: "not found" };
  }
  if (message === Server.responseFragment) return pageFragment(request, page, Number(value));
};
trace(`serving http://<board-ip>:${port}/\n`);

// A stand-in sensor: a slow random walk. Replace with a real reading.
let sensor = 20;
Timer.repeat(() => {
  sensor += (Math.random() - 0.5) * 0.2;
  const sample = JSON.stringify({ type: "sample", ticks: Time.ticks, sensor, viewers: viewers.size });
  for (const viewer of viewers) {
    // A page that stopped reading is skipped rather than queued without bound.
    if (viewer.readyState === viewer.OPEN && viewer.bufferedAmount < 1024) viewer.send(sample);
  }
}, 500);
