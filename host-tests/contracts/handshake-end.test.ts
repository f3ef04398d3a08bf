/**
 * A connection that ends before the opening handshake completes is
 * CONNECTION_FAILED (README errors table), whether the server resets or
 * closes, wherever in its response; after the handshake the same end is
 * CONNECTION_LOST. On Node and on the XS engine (device runtime, ECMA-419
 * TCP transport), against raw servers on 127.0.0.1.
 */
import type * as net from "node:net";
import { engines, type Engine } from "../support/engines";
import { startRawServer, type Started } from "../support/servers";
import { acceptOf } from "../support/open-core";

function response101(request: string): string {
  const key = /Sec-WebSocket-Key: (\S+)/i.exec(request)![1];
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptOf(key)}\r\n\r\n`;
}

/** Reset (RST) or close (FIN) a socket once what was written has left. */
function hangUp(socket: net.Socket, how: "reset" | "close"): void {
  setTimeout(() => (how === "reset" ? socket.resetAndDestroy() : socket.end()), 20);
}

describe.each(engines)("on %s", (_name, makeEngine) => {
  let engine: Engine;
  let server: Started<net.Server> | undefined;
  beforeAll(async () => {
    engine = makeEngine();
    await engine.start();
  });
  afterAll(async () => {
    await engine.stop();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    expect(engine.uncaught()).toEqual([]);
  });

  async function failsWith(respond: (socket: net.Socket, request: string) => void) {
    server = await startRawServer(respond);
    const client = await engine.open(server.url);
    const close = await client.next("close");
    return { error: client.all("error"), close, opened: client.all("open").length > 0 };
  }

  test.each([
    ["reset", "in the status line", "HTTP/1.1 10"],
    ["reset", "in the headers", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: webs"],
    ["reset", "before any byte", ""],
    ["close", "in the headers", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"],
  ] as const)("TCP %s %s of the handshake response: CONNECTION_FAILED, close 1006", async (how, _where, partial) => {
    const got = await failsWith((socket) => {
      if (partial) socket.write(partial);
      hangUp(socket, how);
    });
    expect(got.opened).toBe(false);
    expect(got.error.map((e) => e.code)).toEqual(["CONNECTION_FAILED"]);
    expect(got.error[0].message).toMatch(/before the opening handshake completed/);
    expect([got.close.code, got.close.wasClean]).toEqual([1006, false]);
  });

  test("TCP reset after the handshake completed: CONNECTION_LOST (control)", async () => {
    const got = await failsWith((socket, request) => {
      socket.write(response101(request));
      hangUp(socket, "reset");
    });
    expect(got.opened).toBe(true);
    expect(got.error.map((e) => e.code)).toEqual(["CONNECTION_LOST"]);
  });

});
