/**
 * The subprotocol rule against real servers that select none: Python's
 * `websockets` (its serve() with no subprotocols list) and the `ws` package
 * (handleProtocols answering false). Offered protocols and a 101 without
 * Sec-WebSocket-Protocol fail the connection in every client facade: no open,
 * one error (HANDSHAKE_FAILED, status 101), then close 1006, not clean, as
 * WHATWG, browsers, `ws` and WebSocket-Node do. `requireProtocol: false`
 * opts out; offering nothing is never affected.
 */
import { WebSocket } from "../../node/index";
import { fibjs, luatos, websocket } from "../../node/seeds";
import type { WebSocketError } from "../../modules/core/errors";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { SYSTEM_PYTHON } from "../interop/python-peer";
import { startPeer, type Peer } from "../api/servers";

/** no_protocol_server.py under Debian's python3 (python3-websockets, from scripts/setup-system.sh). */
function startPython(): Promise<{ port: number; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(SYSTEM_PYTHON, [join(__dirname, "no_protocol_server.py")], { stdio: "pipe" });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`no_protocol_server.py exited with ${code} (is python3-websockets installed?)\n${stderr}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /^PORT (\d+)$/.exec(line);
      if (m) resolve({ port: Number(m[1]), child });
    });
  });
}

let python: { port: number; child: ChildProcessWithoutNullStreams };
let wsPeer: Peer;
beforeAll(async () => {
  python = await startPython();
  wsPeer = await startPeer({ protocols: () => false });
});
afterAll(async () => {
  python.child.removeAllListeners("exit");
  const exited = new Promise((resolve) => python.child.once("exit", resolve));
  python.child.kill("SIGTERM");
  await exited;
  await wsPeer.close();
});

const SERVERS: Array<[string, (path: string) => string]> = [
  ["Python websockets", (path) => `ws://127.0.0.1:${python.port}/${path}`],
  ["ws", (path) => `${wsPeer.url}${path}`],
];

function expectFailure(error: WebSocketError | undefined): void {
  expect(error?.code).toBe("HANDSHAKE_FAILED");
  expect(error?.status).toBe(101);
  expect(error?.message).toContain("server selected none of the subprotocols offered (chat, superchat)");
}

describe.each(SERVERS)("a %s server that selects no subprotocol", (_name, url) => {
  test("browser WebSocket: error then close 1006 not clean, never open; readyState CLOSED at both", async () => {
    const ws = new WebSocket(url("browser"), ["chat", "superchat"]);
    const seen: string[] = [];
    let error: WebSocketError | undefined;
    ws.onopen = () => seen.push("open");
    ws.onerror = (e) => { error = e.error; seen.push(`error rs=${ws.readyState}`); };
    const closed = new Promise<void>((resolve) => {
      ws.onclose = (e) => { seen.push(`close ${e.code} "${e.reason}" ${e.wasClean} rs=${ws.readyState}`); resolve(); };
    });
    await closed;
    expect(seen).toEqual(["error rs=3", 'close 1006 "" false rs=3']);
    expectFailure(error);
    expect(ws.protocol).toBe("");
  });

  test("browser WebSocket with requireProtocol: false opens with protocol \"\"", async () => {
    const ws = new WebSocket(url("browser-optout"), ["chat"], { requireProtocol: false });
    await new Promise<void>((resolve, reject) => { ws.onopen = () => resolve(); ws.onerror = (e) => reject(e.error); });
    expect(ws.protocol).toBe("");
    ws.close();
  });

  test("browser WebSocket offering none opens", async () => {
    const ws = new WebSocket(url("browser-none"));
    await new Promise<void>((resolve, reject) => { ws.onopen = () => resolve(); ws.onerror = (e) => reject(e.error); });
    ws.close();
  });

  test("fibjs ws.Socket: error then close 1006, never open", async () => {
    const s = new fibjs.Socket(url("fibjs"), ["chat", "superchat"]);
    const seen: string[] = [];
    let error: WebSocketError | undefined;
    s.on("open", () => seen.push("open"));
    s.on("error", (e) => { error = e.error; seen.push("error"); });
    await new Promise<void>((resolve) => s.on("close", (e) => { seen.push(`close ${e.code} ${e.wasClean}`); resolve(); }));
    expect(seen).toEqual(["error", "close 1006 false"]);
    expectFailure(error);
  });

  test("seed 000 connect(): WS_CONN_ERR then close 1006, never open", async () => {
    const client = websocket.connect(url("seed000"), ["chat", "superchat"]);
    const seen: string[] = [];
    let error: WebSocketError | undefined;
    client.on("open", () => seen.push("open"));
    client.on("error", (e) => { error = e.error; seen.push(e.name); });
    await new Promise<void>((resolve) => client.on("close", (c) => { seen.push(`close ${c.code} ${c.wasClean}`); resolve(); }));
    expect(seen).toEqual(["WS_CONN_ERR", "close 1006 false"]);
    expectFailure(error);
  });

  test("seed 000 connect() with requireProtocol: false opens", async () => {
    const client = websocket.connect(url("seed000-optout"), "chat", undefined, { requireProtocol: false });
    await new Promise<void>((resolve, reject) => { client.on("open", () => resolve()); client.on("error", (e) => reject(e.error)); });
    client.close();
  });

  test("LuatOS connect(): false, and recv() reports why", async () => {
    const ws = luatos.new(url("luatos"), null, { protocols: ["chat", "superchat"] });
    expect(await ws.connect(5000)).toBe(false);
    const [ok, why] = await ws.recv();
    expect(ok).toBe(false);
    expect(why).toContain("server selected none of the subprotocols offered");
    ws.close();
  });
});
