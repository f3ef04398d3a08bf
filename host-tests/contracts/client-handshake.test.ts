/**
 * The client's handshake contracts against hostile raw servers on 127.0.0.1,
 * on Node and on the XS engine (device runtime, ECMA-419 TCP transport):
 * - an answer that cannot be an HTTP/1.1 status line is refused as soon as its
 *   first bytes show it, not at connectTimeout;
 * - what the server sent is cited in error messages quoted, escaped and cut.
 */
import type * as net from "node:net";
import { engines, type Engine } from "../support/engines";
import { startRawServer, type Started } from "../support/servers";
import { acceptOf } from "../support/open-core";

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

function response101(request: string, extra = ""): string {
  const key = /Sec-WebSocket-Key: (\S+)/i.exec(request)![1];
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptOf(key)}\r\n${extra}\r\n`;
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

  async function failsWith(respond: (socket: net.Socket, request: string) => void, options = {}) {
    server = await startRawServer(respond);
    const client = await engine.open(server.url, options);
    const close = await client.next("close");
    return { error: client.all("error"), close, opened: client.all("open").length > 0 };
  }

  test.each([
    ["an SSH banner without a line end", "SSH-2.0-OpenSSH_9.2"],
    ["binary garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"],
    ["HTTP/1.0", "HTTP/1.0 101 Switching Protocols"],
    ["a status code that is not three digits", "HTTP/1.1 1O1 Switching"],
    ["a four-digit status code", "HTTP/1.1 1010 Switching"],
    ["lower-case http", "http/1.1 101 "],
  ])("%s is refused as soon as its first bytes arrive, not at connectTimeout", async (_what, garbage) => {
    // The server keeps the connection open and never ends a line: only the first bytes can tell.
    const got = await failsWith((socket) => { socket.write(Buffer.from(garbage, "latin1")); }, { connectTimeout: 120000 });
    expect(got.error.map((e) => e.code)).toEqual(["HANDSHAKE_FAILED"]);
    expect(got.error[0].message).toMatch(/malformed status line ".*": not an HTTP\/1.1 status line/);
    expect(got.error[0].message).not.toMatch(CONTROL);
    expect(got.close.code).toBe(1006);
  });

  test("a status line sent one byte at a time still opens (the early check waits for what it needs)", async () => {
    server = await startRawServer((socket, request) => {
      const bytes = Buffer.from(response101(request));
      let i = 0;
      const step = (): void => {
        if (socket.destroyed) return;
        if (i < 16) { socket.write(bytes.subarray(i, i + 1)); i++; setTimeout(step, 2); return; }
        socket.write(bytes.subarray(i));
        socket.once("data", () => socket.end()); // our close frame: hang up
      };
      step();
    });
    const client = await engine.open(server.url);
    await client.next("open");
    await client.close();
    await client.next("close");
  });

  test.each([
    ["a status line with an escape sequence and a forged log line",
      "HTTP/1.1 200 OK\x1b[2J\x1b[H\nFAKE-LOG-LINE: x\r\n\r\n"],
    ["a reason phrase with terminal escapes", "HTTP/1.1 403 \x1b]0;owned\x07Forbidden\r\nContent-Length: 0\r\n\r\n"],
    ["a header value with a lone LF", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\nFAKE: x\r\n\r\n"],
    ["a header value with NUL", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: web\x00socket\r\n\r\n"],
    ["a header line with ESC and no colon", "HTTP/1.1 101 Switching Protocols\r\n\x1b[31mred\r\n\r\n"],
    ["a 6000-byte Sec-WebSocket-Accept with escapes", `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${"\x1b[2J".repeat(1500)}\r\n\r\n`],
    ["a 6000-byte reason phrase", `HTTP/1.1 500 ${"A".repeat(6000)}\r\n\r\n`],
    ["a subprotocol never offered, with bidi overrides", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: @ACCEPT@\r\nSec-WebSocket-Protocol: \xe2\x80\xae\r\n\r\n"],
  ])("%s: HANDSHAKE_FAILED, the message quotes it escaped and cut", async (_what, answer) => {
    const got = await failsWith((socket, request) => {
      const accept = response101(request).match(/Accept: (\S+)/)![1];
      socket.write(Buffer.from(answer.replace("@ACCEPT@", accept), "latin1"));
    });
    expect(got.error.map((e) => e.code)).toEqual(["HANDSHAKE_FAILED"]);
    const message = got.error[0].message;
    expect(message).not.toMatch(CONTROL);
    expect(message).not.toMatch(/[\u2028\u2029\u202a-\u202e]/);
    expect(message.length).toBeLessThan(260);
    expect(message).toMatch(/"[^"]*(\\x[0-9a-f]{2}|\\n|AAAA)/);
  });
});
