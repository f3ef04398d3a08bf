// wss with the certificate bundle: the browser-style WebSocket verifies the server with the CA the
// bundle holds for the URL's host (and presents a client certificate when the bundle has one).
// The bundle is the resource manifest_certs.json maps from flash; nothing here names a certificate.
import { WebSocket } from "websocket/browser";
import config from "mc/config";

function open(url: string): WebSocket | undefined {
  try {
    return new WebSocket(url);
  } catch (error) {
    // A WebSocketError for a bad URL. Everything else comes later as error and close events: a wss host
    // the bundle has no entry for, or a build without a bundle (CERT_BUNDLE), a refused certificate (TLS_ERROR).
    trace(`cannot connect: ${(error as Error).message}\n`);
    return undefined;
  }
}

const url: string = config.url;
trace(`connecting to ${url}\n`);
const ws = open(url);
let echoes = 0;

if (ws) {
  ws.onopen = () => {
    trace(`open (protocol "${ws.protocol}")\n`);
    ws.send("hello over TLS");
  };
  ws.onmessage = (event) => {
    trace(`message: ${typeof event.data === "string" ? event.data : `${event.data.byteLength} bytes`}\n`);
    if (++echoes === 3) ws.close(1000, "done");
    else ws.send(`hello over TLS ${echoes}`);
  };
  ws.onerror = (event) => trace(`error: ${event.message}\n`);
  ws.onclose = (event) => trace(`close ${event.code} "${event.reason}" clean=${event.wasClean}\n`);
}
