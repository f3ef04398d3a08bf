/** Seed 004's ws.upgrade on Node: accept(conn, req) with fibjs manners (on/once/off, close() sends 1000). */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import WsClient from "ws";
import { fibjsUpgrade } from "../../node/fibjs-upgrade";
import type { FibjsServerSocket } from "../../modules/api/fibjs-server-socket";
import type { MessageEvent } from "../../modules/api/events";

test("ws.upgrade((conn, req) => ...) serves a ws client; conn.on('message'); close() defaults to 1000", async () => {
  let seenPath = "";
  let conn: FibjsServerSocket | undefined;
  const server = http.createServer((_req, res) => res.end());
  server.on("upgrade", fibjsUpgrade((c, req) => {
    conn = c;
    seenPath = req.path;
    c.on("message", (e: MessageEvent) => {
      if (e.data === "bye") c.close();
      else c.send(`fibjs:${String(e.data)}`);
    });
  }));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const c = new WsClient(`ws://127.0.0.1:${port}/fib?x`);
  const closed = new Promise<number>((r) => c.once("close", (code: number) => r(code)));
  await new Promise<void>((r, j) => { c.once("open", () => r()); c.once("error", j); });
  const reply = new Promise<string>((r) => c.once("message", (d: Buffer) => r(d.toString())));
  c.send("hi");
  expect(await reply).toBe("fibjs:hi");
  expect(seenPath).toBe("/fib?x");
  expect(() => conn?.on("nope" as "open", () => undefined)).toThrow(/unknown event "nope"/);
  c.send("bye");
  expect(await closed).toBe(1000);
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

test("ws.upgrade without a function is a typed error", () => {
  expect(() => fibjsUpgrade(undefined as unknown as () => void)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
});
