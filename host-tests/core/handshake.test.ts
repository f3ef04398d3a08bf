import { WebSocketError } from "../../modules/core/errors";
import { ResponseHeadParser, buildClientRequest, checkResponse, validateHeaders, validateProtocols, MAX_RESPONSE_HEAD } from "../../modules/core/handshake";
import { parseUrl } from "../../modules/core/url";
import { acceptOf, response101, startCore } from "../support/open-core";

function code(fn: () => unknown): string {
  try { fn(); } catch (e) { return `${(e as WebSocketError).code}: ${(e as Error).message}`; }
  return "no error";
}
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("opening handshake request", () => {
  test("has every required header, Host with the port only when not default", () => {
    const nonce = new Uint8Array(16).fill(1);
    const r = buildClientRequest(parseUrl("ws://example.com:8080/chat?x=1"), nonce, ["a", "b"], [["X-Token", "42"]]);
    expect(r.text).toBe("GET /chat?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Key: ${Buffer.from(nonce).toString("base64")}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: a, b\r\nX-Token: 42\r\n\r\n`);
    expect(buildClientRequest(parseUrl("wss://example.com:443/"), nonce, [], []).text).toContain("Host: example.com\r\n");
    expect(buildClientRequest(parseUrl("ws://[::1]:81/"), nonce, [], []).text).toContain("Host: [::1]:81\r\n");
  });

  test("the key is 16 random bytes in base64, fresh each time", () => {
    const a = startCore().key, b = startCore().key;
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(a).not.toBe(b);
  });

  test.each([
    [["chat", "superchat"], ["chat", "superchat"]],
    ["chat", ["chat"]],
    [undefined, []],
  ])("protocols %p are accepted", (input, expected) => {
    expect(validateProtocols(input as string | string[] | undefined)).toEqual(expected);
  });

  test.each([
    [["a", "a"], /listed twice/],
    [["a b"], /not a valid token/],
    [["a,b"], /not a valid token/],
    [[""], /not a valid token/],
    ["", /not a valid token/],
    [["é"], /not a valid token/],
    [[1 as unknown as string], /not a valid token/],
  ])("protocols %p are rejected", (input, message) => {
    expect(code(() => validateProtocols(input as string | string[]))).toMatch(/^INVALID_PROTOCOL: /);
    expect(code(() => validateProtocols(input as string | string[]))).toMatch(message);
  });

  test("extra headers from an object or Name: value strings", () => {
    expect(validateHeaders({ "X-A": "1", Authorization: "Bearer t" })).toEqual([["X-A", "1"], ["Authorization", "Bearer t"]]);
    expect(validateHeaders(["X-A: 1", "X-B:two words "])).toEqual([["X-A", "1"], ["X-B", "two words"]]);
  });

  test.each([
    [{ "X-A": "a\r\nInjected: 1" }, /CR, LF or NUL/],
    [{ "X-A": "bell\x07" }, /control character/],
    [{ "X-A": "euro €" }, /above U\+00FF/],
    [{ "X A": "1" }, /not a valid token/],
    [{ Host: "evil" }, /set by the WebSocket handshake/],
    [{ "sec-websocket-key": "x" }, /set by the WebSocket handshake/],
    [{ Upgrade: "x" }, /set by the WebSocket handshake/],
    [["NoColon"], /not of the form/],
    [[": value"], /not of the form/],
  ])("extra headers %p are rejected", (input, message) => {
    const result = code(() => validateHeaders(input as Record<string, string>));
    expect(result).toMatch(/^INVALID_HEADER: /);
    expect(result).toMatch(message);
  });
});

describe("opening handshake response", () => {
  const key = "dGhlIHNhbXBsZSBub25jZQ==";
  const accept = acceptOf(key);
  const parse = (text: string) => {
    const p = new ResponseHeadParser();
    const done = p.push(latin1(text));
    if (!done) throw new Error("incomplete");
    return done.response;
  };

  test("is parsed when split at every byte, with frames after it kept", () => {
    const text = response101(key, "Sec-WebSocket-Protocol: chat\r\n");
    const bytes = new Uint8Array([...latin1(text), 0x81, 0x02, 0x68, 0x69]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const p = new ResponseHeadParser();
      let done = p.push(bytes.subarray(0, cut));
      // Bytes after the head: what the completing push left over, plus any later chunk.
      let after: number[];
      if (done) after = [...done.rest, ...bytes.subarray(cut)];
      else { done = p.push(bytes.subarray(cut)); after = done ? [...done.rest] : []; }
      expect(done).toBeDefined();
      expect(done!.response.status).toBe(101);
      expect(after).toEqual([0x81, 0x02, 0x68, 0x69]);
    }
    // One byte at a time.
    const p = new ResponseHeadParser();
    let result;
    for (let i = 0; i < bytes.length && !result; i++) result = p.push(bytes.subarray(i, i + 1));
    expect(result?.response.headers.get("sec-websocket-protocol")).toBe("chat");
  });

  test("a head over the cap is refused", () => {
    const p = new ResponseHeadParser();
    expect(code(() => p.push(latin1("HTTP/1.1 101 OK\r\nX: " + "a".repeat(MAX_RESPONSE_HEAD) + "\r\n\r\n")))).toMatch(/^HANDSHAKE_TOO_LARGE: .*8192 bytes/);
  });

  test("accepts a correct answer, case-insensitive Upgrade and Connection token lists", () => {
    const r = parse(`HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
    expect(checkResponse(r, accept, [])).toEqual({ protocol: "", extensions: "" });
  });

  test.each([
    ["HTTP/1.1 404 Not Found\r\n\r\n", [], /server answered 404 "Not Found" instead of 101/],
    ["HTTP/1.1 200 OK\r\n\r\n", [], /answered 200 "OK"/],
    [`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`, [], /lacks "Upgrade: websocket"/],
    [`HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`, [], /lacks "Upgrade: websocket"/],
    [`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`, [], /Connection header lacks "upgrade"/],
    ["HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", [], /lacks Sec-WebSocket-Accept/],
    ["HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n", [], /does not match the key/],
    [response101(key, "Sec-WebSocket-Protocol: other\r\n"), ["chat"], /chose subprotocol "other", which we did not offer/],
    [response101(key, "Sec-WebSocket-Protocol: chat\r\n"), [], /chose subprotocol "chat" but we offered none/],
    [response101(key, "Sec-WebSocket-Extensions: permessage-deflate\r\n"), [], /extension "permessage-deflate", which we did not offer/],
  ])("refuses %j", (text, offered, message) => {
    const result = code(() => checkResponse(parse(text), accept, offered));
    expect(result).toMatch(/^HANDSHAKE_FAILED: /);
    expect(result).toMatch(message);
  });

  test("a non-101 answer carries its status on the error", () => {
    let err: WebSocketError | undefined;
    try { checkResponse(parse("HTTP/1.1 403 Forbidden\r\n\r\n"), accept, []); } catch (e) { err = e as WebSocketError; }
    expect(err?.status).toBe(403);
  });

  test.each(["HTTP/1.0 101 OK\r\n\r\n", "garbage\r\n\r\n", "HTTP/1.1 101 OK\r\nno colon here\r\n\r\n"])("malformed head %j is refused", (text) => {
    expect(code(() => parse(text))).toMatch(/^HANDSHAKE_FAILED: .*malformed/);
  });
});
