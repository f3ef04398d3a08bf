/**
 * A real browser as the client: Debian's chromium, headless, driven by
 * playwright-core, loads a page from our host server (http.Server on
 * 127.0.0.1) that opens a WebSocket to the same port, exchanges text and
 * binary messages and closes. The test reads the page's results back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { upgrade } from "../../node/server";
import { PAGE } from "./browser-page";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface PageResult {
  opened: boolean;
  protocol: string | null;
  texts: string[];
  binaries: (number[] | { length: number; first: number; last: number })[];
  close: { code: number; reason: string; wasClean: boolean } | null;
  error: boolean;
}

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
  const profile = mkdtempSync(join(tmpdir(), "ws-chromium-"));
  let browser: BrowserContext | undefined;
  try {
    // A fresh profile directory per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60000 });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`, { timeout: 30000 });
    // Runs in the page: globalThis is its window.
    const result = await page.evaluate(() => (globalThis as unknown as { result: Promise<unknown> }).result) as PageResult;
    expect(result.opened).toBe(true);
    expect(result.error).toBe(false);
    expect(result.protocol).toBe("chat.v1");
    expect(result.texts).toEqual(["echo:hello from the browser", `echo:${"ünïcødé ✓".repeat(100)}`, "echo:done"]);
    expect(result.binaries).toEqual([[0, 1, 2, 253, 254, 255], { length: 70000, first: 7, last: 7 }]);
    expect(result.close).toEqual({ code: 1000, reason: "", wasClean: true });
    expect(serverSeen.origin).toBe(`http://127.0.0.1:${port}`);
    expect(serverSeen.agent).toMatch(/Chrome/);
    expect(serverSeen.close).toEqual([1000, "browser done", true]);
  } finally {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}, 120000);
