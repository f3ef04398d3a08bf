/** Autobahn 7.x: the closing handshake — echoing codes, rejecting bad close frames, ignoring what follows a close. */
import type { ConformanceCase, Expectation } from "../case";
import { closesNormally, echoText, fails, filler, protocolError } from "../expect";
import { bytes, close, concat, cont, frame, OP, ping, text, utf8 } from "../wire";

const category = "7 Close Handling";

/** The server closes with `code`; the client must answer with the same code; the user sees it, cleanly. */
function echoed(code: number | undefined, frames: Expectation["frames"] = [], reason?: string): Expectation {
  return { frames, wireClose: code ?? "empty", user: { code: code ?? 1005, wasClean: true, reason: reason ?? "" } };
}

/** Codes a peer may send (RFC 6455 7.4.1 and the IANA registry: 1012-1014 were registered after the RFC). */
export const VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
  ...Array.from({ length: 2000 }, (_, i) => 3000 + i)];
/** Autobahn's invalid codes plus the boundaries around every valid range. */
export const INVALID_CODES = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999];
const OPEN_CODES = [5000, 65535];

const closeThen = (...after: Uint8Array[]): Uint8Array[] => [close(1000), ...after];

export const closingCases: ConformanceCase[] = [
  {
    id: "7.1.1", category, title: "text message, then close: echo, then close",
    script: async (p) => { await p.send(text("Hello World!")); await p.waitForEchoes(1, 5000); await p.sendClose(close(1000)); },
    expect: echoed(1000, [echoText("Hello World!")]),
  },
  { id: "7.1.2", category, title: "two close frames: the second is ignored", script: (p) => p.sendClose(concat(closeThen(close(1000)))), expect: echoed(1000) },
  { id: "7.1.3", category, title: "close, then ping: the ping is not answered", script: (p) => p.sendClose(concat(closeThen(ping("Hello World!")))), expect: echoed(1000) },
  { id: "7.1.4", category, title: "close, then text: the text is not echoed", script: (p) => p.sendClose(concat(closeThen(text("Hello World!")))), expect: echoed(1000) },
  {
    id: "7.1.5", category, title: "fragment, close, last fragment: nothing is echoed",
    script: (p) => p.sendClose(concat([text("fragment1", { fin: false }), close(1000), cont("fragment2")])),
    expect: echoed(1000),
  },
  {
    id: "7.1.6", category, title: "256 KiB text, close and ping in one write: echo, then close, no pong",
    open: "Autobahn 7.1.6 is informational: a client may process the close before finishing the echo. This client handles frames in order: it echoes, then closes.",
    script: (p) => p.sendClose(concat([text(filler(262144, true)), close(1000), ping("Hello World!")])),
    expect: echoed(1000, [echoText(filler(262144, true))]),
  },
  { id: "7.3.1", category, title: "empty close: answered with an empty close, user sees 1005", script: (p) => p.sendClose(close()), expect: echoed(undefined) },
  {
    id: "7.3.2", category, title: "close with a 1-byte body fails the connection",
    script: (p) => p.sendClose(frame(OP.CLOSE, bytes(0x03))), expect: protocolError([], /close frame with a 1-byte body/),
  },
  { id: "7.3.3", category, title: "close 1000 without reason", script: (p) => p.sendClose(close(1000)), expect: echoed(1000) },
  { id: "7.3.4", category, title: "close 1000 with a reason", script: (p) => p.sendClose(close(1000, "Hello World!")), expect: echoed(1000, [], "Hello World!") },
  {
    id: "7.3.5", category, title: "close 1000 with a 123-byte reason (largest allowed)",
    script: (p) => p.sendClose(close(1000, "*".repeat(123))), expect: echoed(1000, [], "*".repeat(123)),
  },
  {
    id: "7.3.6", category, title: "close 1000 with a 124-byte reason (126-byte control frame) fails",
    script: (p) => p.sendClose(close(1000, "*".repeat(124))), expect: protocolError([], /control frame payload longer than 125 bytes/),
  },
  {
    id: "7.5.1", category, title: "close with an invalid UTF-8 reason fails with 1007",
    script: (p) => p.sendClose(close(1000, Uint8Array.from([...utf8("κόσμε"), 0xed, 0xa0, 0x80, ...utf8("edited")]))),
    expect: fails([], 1007, "INVALID_UTF8", /close reason is not valid UTF-8/),
  },
  ...VALID_CODES.map((code, i): ConformanceCase => ({
    id: `7.7.${i + 1}`, category, title: `close with valid code ${code} is echoed`,
    open: code >= 1012 && code <= 1014 ? "1012-1014 were registered with IANA after RFC 6455; this client accepts and echoes them (older Autobahn releases listed them as invalid)." : undefined,
    script: (p) => p.sendClose(close(code)), expect: echoed(code),
  })),
  ...INVALID_CODES.map((code, i): ConformanceCase => ({
    id: `7.9.${i + 1}`, category, title: `close with invalid code ${code} fails with 1002`,
    script: (p) => p.sendClose(close(code)), expect: protocolError([], new RegExp(`close frame with invalid code ${code}$`)),
  })),
  ...OPEN_CODES.map((code, i): ConformanceCase => ({
    id: `7.13.${i + 1}`, category, title: `close with code ${code} (undefined by RFC 6455) fails with 1002`,
    open: "RFC 6455 defines no codes at 5000 and above; Autobahn 7.13 is informational. This client treats them as invalid and fails with 1002.",
    script: (p) => p.sendClose(close(code)), expect: protocolError([], new RegExp(`close frame with invalid code ${code}$`)),
  })),
  {
    id: "7.14.1", category, title: "close with a reason of 2-, 3- and 4-byte characters",
    script: (p) => p.sendClose(close(4000, "κόσμε ✓ 𝄞")), expect: echoed(4000, [], "κόσμε ✓ 𝄞"),
  },
];
