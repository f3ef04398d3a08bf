// The clients under test behind one small interface:
//   const conn = await open(kind, url); conn.onMessage = (data, binary) => ...;
//   conn.send(stringOrBytes); conn.buffered(); conn.close();
// Text arrives as a string and binary as bytes for every client, so each one
// pays for UTF-8 validation and decoding the way its users would.
import path from "node:path";
import { pathToFileURL } from "node:url";

export const CLIENTS = [
  { name: "ours", title: "this project (Client)" },
  { name: "ours-ws", title: "this project (WebSocket API)" },
  { name: "ws", title: "ws" },
  { name: "undici", title: "undici WebSocket" },
];

// BENCH_OURS=<bundle> measures another build of this project (experiments on a copy of the sources).
const OURS = pathToFileURL(path.resolve(process.env.BENCH_OURS ?? ".bench-out/ours.mjs")).href;

function connection(send, buffered, close) {
  return { onMessage: null, send, buffered, close };
}

async function openOurs(url) {
  const { Client, nodeRuntime } = await import(OURS);
  return new Promise((resolve, reject) => {
    let conn;
    const client = new Client(nodeRuntime, url, {}, {
      onOpen: () => resolve(conn),
      onMessage: (data, binary) => conn.onMessage(data, binary),
      onError: (error) => reject(error),
    });
    conn = connection((data) => client.send(data), () => client.bufferedAmount, () => client.close());
  });
}

async function openOursWebSocket(url) {
  const { WebSocket } = await import(OURS);
  return browserStyle(new WebSocket(url));
}

async function openWs(url) {
  const { WebSocket } = await import("ws");
  const ws = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const conn = connection((data) => ws.send(data), () => ws.bufferedAmount, () => ws.close());
    ws.on("open", () => resolve(conn));
    ws.on("error", reject);
    ws.on("message", (data, binary) => conn.onMessage(binary ? data : data.toString(), binary));
  });
}

async function openUndici(url) {
  const { WebSocket } = await import("undici");
  return browserStyle(new WebSocket(url));
}

function browserStyle(ws) {
  ws.binaryType = "arraybuffer";
  return new Promise((resolve, reject) => {
    const conn = connection((data) => ws.send(data), () => ws.bufferedAmount, () => ws.close());
    ws.onopen = () => resolve(conn);
    ws.onerror = (event) => reject(event.error ?? new Error("websocket error"));
    ws.onmessage = (event) => conn.onMessage(event.data, typeof event.data !== "string");
  });
}

const OPENERS = { ours: openOurs, "ours-ws": openOursWebSocket, ws: openWs, undici: openUndici };

export function open(kind, url) {
  const opener = OPENERS[kind];
  if (!opener) throw new Error(`unknown client ${kind}; known: ${Object.keys(OPENERS).join(", ")}`);
  return opener(url);
}
