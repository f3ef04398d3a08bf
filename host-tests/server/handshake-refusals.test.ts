/**
 * Every required part of the opening handshake missing or wrong (RFC 6455
 * 4.2.1), sent raw to the standalone host server: each gets its status and
 * a reason naming what was wrong, and the socket is closed; accept never runs.
 */
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { createServer } from "../../node/server";

function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(bytes));
    const got: Buffer[] = [];
    s.on("data", (d) => got.push(d));
    s.on("error", () => {});
    s.on("close", () => resolve(Buffer.concat(got).toString("latin1")));
  });
}

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const HEADERS: [string, string][] = [
  ["Host", "127.0.0.1"], ["Upgrade", "websocket"], ["Connection", "Upgrade"],
  ["Sec-WebSocket-Key", KEY], ["Sec-WebSocket-Version", "13"],
];

function request(change: { line?: string; drop?: string; set?: [string, string]; add?: string } = {}): string {
  let text = `${change.line ?? "GET /ws HTTP/1.1"}\r\n`;
  for (const [name, value] of HEADERS) {
    if (name === change.drop) continue;
    text += `${name}: ${change.set && change.set[0] === name ? change.set[1] : value}\r\n`;
  }
  return text + (change.add ?? "") + "\r\n";
}

let server: net.Server;
let port: number;
let accepted = 0;

beforeAll(async () => {
  server = createServer(() => { accepted++; }, {
    policy: { checkOrigin: (origin) => origin === undefined || origin === "http://good.example" },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  expect(accepted).toBe(1); // only the control request below
});

test("the unchanged request is accepted (control)", async () => {
  const answer = await new Promise<string>((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(request()));
    s.once("data", (d) => { s.destroy(); resolve(d.toString("latin1")); });
  });
  expect(answer).toMatch(/^HTTP\/1.1 101 /);
});

test.each([
  ["missing Host", { drop: "Host" }, 400, /Host/],
  ["missing Upgrade", { drop: "Upgrade" }, 400, /Upgrade: websocket/],
  ["Upgrade: h2c", { set: ["Upgrade", "h2c"] as [string, string] }, 400, /Upgrade: websocket/],
  ["missing Connection", { drop: "Connection" }, 400, /Connection/],
  ["Connection: keep-alive", { set: ["Connection", "keep-alive"] as [string, string] }, 400, /Connection/],
  ["missing Sec-WebSocket-Key", { drop: "Sec-WebSocket-Key" }, 400, /Sec-WebSocket-Key/],
  ["a 15-byte key", { set: ["Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA"] as [string, string] }, 400, /16 bytes/],
  ["a key that is not base64", { set: ["Sec-WebSocket-Key", "not base64 at all!!!!!!="] as [string, string] }, 400, /Sec-WebSocket-Key/],
  ["missing Sec-WebSocket-Version", { drop: "Sec-WebSocket-Version" }, 426, /version 13/],
  ["Sec-WebSocket-Version: 8", { set: ["Sec-WebSocket-Version", "8"] as [string, string] }, 426, /version 13/],
  ["POST", { line: "POST /ws HTTP/1.1" }, 405, /not GET/],
  ["HTTP/1.0", { line: "GET /ws HTTP/1.0" }, 400, /HTTP\/1.0/],
  ["a malformed request line", { line: "GET /ws" }, 400, /request line/],
  ["a duplicate subprotocol", { add: "Sec-WebSocket-Protocol: chat, chat\r\n" }, 400, /Sec-WebSocket-Protocol/],
  ["a refused Origin", { add: "Origin: http://evil.example\r\n" }, 403, /origin/],
  ["a header line without a colon", { add: "this is not a header\r\n" }, 400, /malformed header/],
  ["a request head over 8 KiB", { add: `X-Big: ${"a".repeat(9000)}\r\n` }, 431, /larger than 8192/],
])("%s", async (_name, change, status, reason) => {
  const answer = await raw(port, request(change));
  expect(answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
  expect(answer).toMatch(/\r\nConnection: close\r\n/);
  const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
  expect(body).toMatch(reason);
  if (status === 426) expect(answer).toMatch(/\r\nSec-WebSocket-Version: 13\r\n/);
  if (status === 405) expect(answer).toMatch(/\r\nAllow: GET\r\n/);
});
