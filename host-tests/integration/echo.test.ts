import { startWsServer, type Started } from "../support/servers";
import { session } from "../support/browser-client";
import type { WebSocketServer } from "ws";

let server: Started<WebSocketServer>;
beforeAll(async () => { server = await startWsServer(); });
afterAll(() => server.close());

const SIZES = [0, 125, 126, 65535, 65536, 1024 * 1024];

describe("echo against a real ws server", () => {
  test.each(SIZES)("binary message of %i bytes", async (n) => {
    const s = session(server.url);
    await s.opened;
    const data = new Uint8Array(n).map((_, i) => (i * 31) & 255);
    s.ws.send(data);
    const back = await s.next();
    expect(back).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(back as ArrayBuffer).equals(Buffer.from(data))).toBe(true);
    s.ws.close(1000);
    expect((await s.closed).wasClean).toBe(true);
  });

  test.each(SIZES)("text message of %i bytes", async (n) => {
    const s = session(server.url);
    await s.opened;
    const text = "x".repeat(n);
    s.ws.send(text);
    expect(await s.next()).toBe(text);
    s.ws.close();
    await s.closed;
  });

  test("multi-byte UTF-8 in every plane", async () => {
    const s = session(server.url);
    await s.opened;
    const text = "héllo wörld € 中文 😀 \u{10FFFF} ".repeat(2000);
    s.ws.send(text);
    expect(await s.next()).toBe(text);
    s.ws.close();
    await s.closed;
  });

  test("ArrayBuffer, typed array views and DataView are sent as their bytes", async () => {
    const s = session(server.url);
    await s.opened;
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    s.ws.send(backing.buffer);
    s.ws.send(backing.subarray(1, 4));
    s.ws.send(new DataView(backing.buffer, 2, 2));
    s.ws.send(new Uint16Array([0x0102]));
    const got = [await s.next(), await s.next(), await s.next(), await s.next()].map((b) => Array.from(new Uint8Array(b as ArrayBuffer)));
    expect(got).toEqual([[9, 1, 2, 3, 9], [1, 2, 3], [2, 3], Array.from(new Uint8Array(new Uint16Array([0x0102]).buffer))]);
    s.ws.close();
    await s.closed;
  });

  test("many messages keep their order", async () => {
    const s = session(server.url);
    await s.opened;
    for (let i = 0; i < 500; i++) s.ws.send(`m${i}`);
    const got: unknown[] = [];
    for (let i = 0; i < 500; i++) got.push(await s.next());
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    s.ws.close();
    await s.closed;
  });

  test("url, readyState and the constants", async () => {
    const s = session(server.url + "/path?q=1");
    expect(s.ws.url).toBe(`${server.url}/path?q=1`);
    expect(s.ws.readyState).toBe(0);
    await s.opened;
    expect(s.ws.readyState).toBe(s.ws.OPEN);
    s.ws.close();
    expect(s.ws.readyState).toBe(2);
    await s.closed;
    expect(s.ws.readyState).toBe(3);
  });
});
