/** Opening handshake (RFC 6455 4.1 and 4.2.2): responses a client must refuse, and odd but valid ones it must accept. */
import type { ConformanceCase, Expectation } from "../case";
import { closesNormally, echoText } from "../expect";
import { text } from "../wire";

const category = "0 Opening Handshake";

function refused(code: "HANDSHAKE_FAILED" | "HANDSHAKE_TOO_LARGE" | "CONNECTION_FAILED", message: RegExp): Expectation {
  return { frames: [], wireClose: "none", user: { code: 1006, wasClean: false }, error: { code, message } };
}

const ok = (accept: string, extra = ""): string =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${extra}\r\n`;
const nothing = async (): Promise<void> => { /* the handshake decides the case */ };

export const handshakeCases: ConformanceCase[] = [
  {
    id: "0.1.1", category, title: "Sec-WebSocket-Accept that does not match the key",
    handshake: { head: () => ok("dGhlIHNhbXBsZSBub25jZQ==") }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /Sec-WebSocket-Accept "dGhlIHNhbXBsZSBub25jZQ==" does not match the key we sent/),
  },
  {
    id: "0.1.2", category, title: "no Sec-WebSocket-Accept",
    handshake: { head: () => "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /lacks Sec-WebSocket-Accept/),
  },
  {
    id: "0.1.3", category, title: "status 200 instead of 101",
    handshake: { head: () => "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /server answered 200 "OK" instead of 101 Switching Protocols/),
  },
  {
    id: "0.1.4", category, title: "no Upgrade: websocket",
    handshake: { head: (a) => `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n\r\n` }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /lacks "Upgrade: websocket"/),
  },
  {
    id: "0.1.5", category, title: "Connection header without upgrade",
    handshake: { head: (a) => `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: ${a}\r\n\r\n` }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /Connection header lacks "upgrade"/),
  },
  {
    id: "0.1.6", category, title: "a subprotocol the client did not offer",
    handshake: { protocol: "chat" }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /server chose subprotocol "chat" but we offered none/),
  },
  {
    id: "0.1.7", category, title: "an extension the client did not offer",
    handshake: { head: (a) => ok(a, "Sec-WebSocket-Extensions: permessage-deflate\r\n") }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /server named extension "permessage-deflate", which we did not offer/),
  },
  {
    id: "0.1.8", category, title: "a response head over 8 KiB",
    handshake: { head: (a) => ok(a, `X-Padding: ${"p".repeat(9000)}\r\n`) }, script: nothing,
    expect: refused("HANDSHAKE_TOO_LARGE", /handshake response head is larger than 8192 bytes/),
  },
  {
    id: "0.1.9", category, title: "the server closes TCP instead of answering",
    handshake: { hangUp: true }, script: nothing,
    expect: refused("CONNECTION_FAILED", /the connection closed before the opening handshake completed/),
  },
  {
    id: "0.1.10", category, title: "a malformed status line",
    handshake: { head: () => "HTTP/1.0 101\r\n\r\n" }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /malformed status line "HTTP\/1.0 101"/),
  },
  {
    id: "0.1.11", category, title: "subprotocols offered, none selected, requireProtocol (the WHATWG rule every facade applies)",
    options: { protocols: ["chat", "superchat"], requireProtocol: true }, script: nothing,
    expect: refused("HANDSHAKE_FAILED", /server selected none of the subprotocols offered \(chat, superchat\): its 101 has no Sec-WebSocket-Protocol/),
  },
  {
    id: "0.2.1", category, title: "header names and tokens in odd case, extra spaces, Connection list: accepted",
    handshake: { head: (a) => `HTTP/1.1 101 Web Socket Protocol Handshake\r\nuPgRaDe:   WebSocket  \r\nconnection: keep-alive, UPGRADE\r\nsec-websocket-accept:${a}\r\nServer: odd\r\n\r\n` },
    script: (p) => p.send(text("hello")),
    expect: closesNormally([echoText("hello")]),
  },
  {
    id: "0.2.2", category, title: "the 101 response written one byte per write, with a frame in its last write",
    handshake: { chop: 1, withResponse: text("in the handshake") },
    script: nothing,
    expect: closesNormally([echoText("in the handshake")]),
  },
  {
    id: "0.2.3", category, title: "the offered subprotocol selected",
    options: { protocols: ["v2.chat", "chat"] }, handshake: { protocol: "chat" },
    script: (p) => p.send(text("with protocol")),
    expect: closesNormally([echoText("with protocol")]),
  },
  {
    id: "0.2.4", category, title: "subprotocols offered, none selected: the Client's default opens (RFC 6455 lets a server select none)",
    options: { protocols: ["chat"] },
    script: (p) => p.send(text("no protocol")),
    expect: closesNormally([echoText("no protocol")]),
  },
];
