import { parseUrl } from "../../modules/core/url";
import { WebSocketError } from "../../modules/core/errors";

describe("parseUrl", () => {
  test.each([
    ["ws://example.com", { secure: false, host: "example.com", port: 80, resource: "/", hostHeader: "example.com" }],
    ["wss://example.com", { secure: true, host: "example.com", port: 443, resource: "/", hostHeader: "example.com" }],
    ["ws://example.com:8080/chat?room=1", { port: 8080, resource: "/chat?room=1", hostHeader: "example.com:8080" }],
    ["ws://example.com:80/", { port: 80, hostHeader: "example.com" }],
    ["wss://example.com:443/a", { port: 443, hostHeader: "example.com" }],
    ["ws://Example.COM/Path", { host: "example.com", resource: "/Path" }],
    ["ws://example.com?x=1", { resource: "/?x=1" }],
    ["ws://[::1]:9000/", { host: "::1", port: 9000, hostHeader: "[::1]:9000" }],
    ["ws://[2001:db8::7]/", { host: "2001:db8::7", port: 80, hostHeader: "[2001:db8::7]" }],
    ["WS://127.0.0.1:3000/", { secure: false, host: "127.0.0.1", port: 3000 }],
    ["ws://example.com/€?q=é", { resource: "/%E2%82%AC?q=%C3%A9" }],
  ])("accepts %s", (url, expected) => {
    expect(parseUrl(url)).toMatchObject(expected);
  });

  test.each([
    ["http://example.com/", /scheme "http:" is not ws: or wss:/],
    ["ftp://example.com/", /scheme "ftp:"/],
    ["example.com", /no scheme/],
    ["ws:example.com", /expected \/\//],
    ["ws://example.com/#frag", /fragments/],
    ["ws://user:pw@example.com/", /user information/],
    ["ws://user@example.com/", /user information/],
    ["ws:///path", /empty host/],
    ["ws://:80/", /empty host/],
    ["ws://example.com:/", /empty port/],
    ["ws://example.com:0/", /port 0 is out of range/],
    ["ws://example.com:65536/", /port 65536 is out of range/],
    ["ws://example.com:99999/", /out of range/],
    ["ws://example.com:8x/", /port "8x" is not a number/],
    ["ws://example.com:-1/", /is not a number/],
    ["ws://[::1/", /unterminated IPv6/],
    ["ws://[zz::1]/", /is not an IPv6 address/],
    ["ws://[::1]x/", /after the IPv6 literal/],
    ["ws://exa mple.com/", /white space/],
    ["ws://exa<mple.com/", /characters a host name cannot have/],
  ])("rejects %s", (url, message) => {
    let error: unknown;
    try { parseUrl(url); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(WebSocketError);
    expect((error as WebSocketError).code).toBe("INVALID_URL");
    expect((error as WebSocketError).message).toMatch(message);
  });
});
