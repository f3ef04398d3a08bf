/**
 * A real browser as the client: Debian's chromium, headless, driven by
 * playwright-core, loads a page from our host server (http.Server on
 * 127.0.0.1) that opens a WebSocket to the same port, exchanges text and
 * binary messages and closes. The test reads the page's results back.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { upgrade } from "../../node/server";
import { PAGE } from "./browser-page";
import { expectEchoExchange, pageResultInChromium } from "./chromium";

test("chromium loads a page from our server and talks to it over a WebSocket on the same port", async () => {
  const serverSeen: { origin?: string; agent?: string; close?: [number, string, boolean] } = {};
  const server = http.createServer((req, res) => {
    if (req.url === "/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  server.on("upgrade", upgrade((socket, request) => {
    serverSeen.origin = request.headers.get("origin");
    serverSeen.agent = request.headers.get("user-agent");
    socket.binaryType = "arraybuffer";
    socket.onmessage = (e) => socket.send(typeof e.data === "string" ? `echo:${e.data}` : e.data);
    socket.onclose = (e) => { serverSeen.close = [e.code, e.reason, e.wasClean]; };
  }, { policy: { selectProtocol: (offered) => (offered.includes("chat.v1") ? "chat.v1" : "") } }));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    expectEchoExchange(await pageResultInChromium(`http://127.0.0.1:${port}/`));
    expect(serverSeen.origin).toBe(`http://127.0.0.1:${port}`);
    expect(serverSeen.agent).toMatch(/Chrome/);
    expect(serverSeen.close).toEqual([1000, "browser done", true]);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}, 120000);
