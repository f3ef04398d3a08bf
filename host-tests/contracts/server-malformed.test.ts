/**
 * Malformed upgrade requests get 400, as RFC 9110/9112 ask and as Node's own
 * HTTP parser answers them: a repeated Host, NUL, a lone CR or LF or another
 * control character in a header value, a control character in the request
 * target. Sent raw to the standalone createServer, to upgrade() behind
 * http.Server, to the device listener (listen419.ts) on the XS engine, and to
 * a plain Node http.Server as the reference (which refuses them all but the
 * repeated Host: RFC 9112 3.2 asks 400 for that, Node keeps the first).
 * accept() never runs.
 */
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createServer, upgrade } from "../../node/server";
import { raw, SAMPLE_KEY } from "../support/server-peers";
import { XsSimulator } from "../../simulator/simulator";

const head = (first: string, extra: string, host = "Host: 127.0.0.1\r\n") =>
  `${first}\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${SAMPLE_KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

/** Node's parser lets a repeated Host through; we do not. */
const REPEATED_HOST: [string, string][] = [
  ["a repeated Host", head("GET /ws HTTP/1.1", "Host: evil.example\r\n")],
  ["a repeated Host, differently cased", head("GET /ws HTTP/1.1", "HOST: 127.0.0.1\r\n")],
];

const MALFORMED: [string, string][] = [
  ["NUL in a header value", head("GET /ws HTTP/1.1", "X-Note: a\x00b\r\n")],
  ["a lone CR in a header value", head("GET /ws HTTP/1.1", "X-Note: a\rb\r\n")],
  ["a lone LF in a header value", head("GET /ws HTTP/1.1", "X-Note: a\nInjected: b\r\n")],
  ["ESC in a header value", head("GET /ws HTTP/1.1", "X-Note: \x1b[2J\r\n")],
  ["DEL in a header value", head("GET /ws HTTP/1.1", "X-Note: a\x7fb\r\n")],
  ["a folded header line (obs-fold)", head("GET /ws HTTP/1.1", "X-Note: a\r\n b\r\n")],
  ["a space before the colon", head("GET /ws HTTP/1.1", "X-Note : a\r\n")],
  ["a control character in the request target", head("GET /w\x01s HTTP/1.1", "")],
];

const GOOD = head("GET /ws HTTP/1.1", "X-Note: tab\tand obs-text \xe9\r\n");

let accepted = 0;
const servers: { name: string; port: number; close: () => Promise<void> }[] = [];
let sim: XsSimulator;

beforeAll(async () => {
  const standalone = createServer(() => { accepted++; });
  await new Promise<void>((r) => standalone.listen(0, "127.0.0.1", r));
  servers.push({ name: "createServer", port: (standalone.address() as AddressInfo).port, close: () => new Promise((r) => standalone.close(() => r())) });

  const behindHttp = http.createServer((_req, res) => res.end("page"));
  behindHttp.on("upgrade", upgrade(() => { accepted++; }));
  await new Promise<void>((r) => behindHttp.listen(0, "127.0.0.1", r));
  servers.push({ name: "upgrade()", port: (behindHttp.address() as AddressInfo).port, close: () => new Promise((r) => { behindHttp.closeAllConnections(); behindHttp.close(() => r()); }) });

  // Node's own parser, as the reference: its upgrade handler would answer 101-worthy requests with 200.
  const reference = http.createServer((_req, res) => res.end("ok"));
  reference.on("upgrade", (_req, socket: net.Socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  await new Promise<void>((r) => reference.listen(0, "127.0.0.1", r));
  servers.push({ name: "Node's http.Server (reference)", port: (reference.address() as AddressInfo).port, close: () => new Promise((r) => { reference.closeAllConnections(); reference.close(() => r()); }) });

  sim = await XsSimulator.start(path.join(__dirname, "../server/fixtures/xs-listen.ts"), { onHarnessEvent: (header) => { if (header.type === "accept") accepted++; } });
  await sim.call("listen", [4, 0, 5000, null]);
  const [port] = await sim.bridge.listeners.bound();
  servers.push({ name: "device listener on XS", port, close: async () => undefined });
}, 60000);

afterAll(async () => {
  for (const s of servers) await s.close();
  const uncaught = [...(sim?.bridge.uncaught ?? [])];
  await sim?.stop();
  expect(uncaught).toEqual([]);
  expect(accepted).toBe(3); // the control request, once per WebSocket server
});

/** Send, then read the answer until the server closes (or, for a 101, until its head is complete). */
function answerTo(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(Buffer.from(request, "latin1")));
    let got = "";
    s.on("data", (d) => {
      got += d.toString("latin1");
      if (got.startsWith("HTTP/1.1 101 ") && got.includes("\r\n\r\n")) s.destroy();
    });
    s.on("error", () => {});
    s.on("close", () => resolve(got));
  });
}

test("the control request (tab and obs-text in a value) is accepted by every server", async () => {
  for (const s of servers) {
    expect([s.name, (await answerTo(s.port, GOOD)).slice(0, 13)]).toEqual([s.name, s.name.startsWith("Node") ? "HTTP/1.1 200 " : "HTTP/1.1 101 "]);
  }
});

test.each([...MALFORMED, ...REPEATED_HOST])("%s: 400 from every server, the reason quoted without raw control characters", async (_what, request) => {
  const repeatedHost = REPEATED_HOST.some(([, r]) => r === request);
  for (const s of servers) {
    if (repeatedHost && s.name.startsWith("Node")) continue;
    const answer = await answerTo(s.port, request);
    expect([s.name, answer.slice(0, 13)]).toEqual([s.name, "HTTP/1.1 400 "]);
    const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
    expect(body.replace(/\n$/, "")).not.toMatch(/[\x00-\x1f\x7f]/);
  }
}, 30000);
