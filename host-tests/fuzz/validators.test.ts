/**
 * Random URLs, header sets, subprotocol lists and close codes against oracles
 * written from the RFCs (oracles.ts): accepted exactly when the RFC allows,
 * rejected with the right WebSocketError code and a message naming the input.
 */
import fc from "fast-check";
import { closeBody, parseCloseBody } from "../../modules/core/close";
import { WebSocketError } from "../../modules/core/errors";
import { validateHeaders, validateProtocols } from "../../modules/core/handshake";
import { parseUrl } from "../../modules/core/url";
import { close as closeFrame } from "../conformance/wire";
import { openClient } from "./sans-io";
import { HANDSHAKE_HEADERS, TCHAR, appCloseCode, isFieldValue, isToken, urlOracle, urlText, wireCloseCode, type UrlParts } from "./oracles";

function thrown(f: () => unknown): WebSocketError | undefined {
  try { f(); return undefined; } catch (e) {
    expect(e).toBeInstanceOf(WebSocketError);
    return e as WebSocketError;
  }
}

const token = fc.string({ unit: fc.constantFrom(...TCHAR.split("")), minLength: 1, maxLength: 12 });

const urlParts: fc.Arbitrary<UrlParts> = fc.record({
  scheme: fc.oneof({ weight: 6, arbitrary: fc.constantFrom("ws", "wss", "WS", "wSs") }, { weight: 1, arbitrary: fc.constantFrom("http", "https", "ftp", "", "w s") }),
  slashes: fc.oneof({ weight: 8, arbitrary: fc.constant("//") }, { weight: 1, arbitrary: fc.constantFrom("/", "") }),
  userinfo: fc.oneof({ weight: 8, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("user@", "u:p@", "@") }),
  host: fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?(\.[a-zA-Z0-9_~]{1,5}){0,2}$/).map((h) => ({ text: h, valid: true, normal: h.toLowerCase() })) },
    { weight: 1, arbitrary: fc.ipV4().map((h) => ({ text: h, valid: true, normal: h })) },
    { weight: 1, arbitrary: fc.ipV6().map((h) => ({ text: `[${h}]`, valid: true, normal: h.toLowerCase() })) },
    { weight: 1, arbitrary: fc.constantFrom("", "ho st", "a<b", "[::1", "[zz]", "a^b", 'x"y', "a{b}", "[]", "a\u0000b").map((h) => ({ text: h, valid: false, normal: "" })) },
  ),
  port: fc.oneof(
    { weight: 4, arbitrary: fc.constant({ text: "", valid: true, value: null as number | null }) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 65535 }).map((n) => ({ text: `:${n}`, valid: true, value: n as number | null })) },
    { weight: 1, arbitrary: fc.constantFrom(":0", ":65536", ":", ":8a", ":-1", ":99999").map((t) => ({ text: t, valid: false, value: null as number | null })) },
  ),
  path: fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^(\/[a-zA-Z0-9._~!$&'()*+,;=:@-]{0,12}){0,3}(\?[a-zA-Z0-9=&/?]{0,10})?$/).map((t) => ({ text: t, valid: true })) },
    { weight: 1, arbitrary: fc.constantFrom("/a#f", "#x", "/a b", "/a\tb", "/x\ny").map((t) => ({ text: t, valid: false })) },
  ),
// A wrong number of slashes must not be made right again by what follows ("ws:/" + "" + "/x" is "ws://x").
}).filter((p) => p.slashes === "//" || !`${p.slashes}${p.userinfo}${p.host.text}${p.port.text}${p.path.text}`.startsWith("//"));

describe("URLs (RFC 6455 section 3)", () => {
  test("accepted exactly when the RFC allows, with the right host, port and resource", () => {
    fc.assert(fc.property(urlParts, (parts) => {
      const url = urlText(parts);
      const want = urlOracle(parts);
      const error = thrown(() => parseUrl(url));
      if (!want.valid) {
        expect(error?.code).toBe("INVALID_URL");
        expect(error?.message).toContain(`"${url}"`);
        return;
      }
      expect(error).toBeUndefined();
      const got = parseUrl(url);
      expect({ secure: got.secure, host: got.host, port: got.port, resource: got.resource })
        .toEqual({ secure: want.secure, host: want.host, port: want.port, resource: want.resource });
    }), { numRuns: 3000 });
  });

  test("a path with characters outside ASCII is percent-encoded or refused, never cut to bytes", () => {
    for (const path of ["/ü", "/€", "/𝄞?q=✓"]) {
      const url = `ws://example.com${path}`;
      const error = thrown(() => parseUrl(url));
      if (error) { expect(error.code).toBe("INVALID_URL"); continue; }
      expect(parseUrl(url).resource).toBe(encodeURI(path));
    }
  });
});

const headerName = fc.oneof(
  { weight: 5, arbitrary: token },
  { weight: 1, arbitrary: fc.constantFrom(...HANDSHAKE_HEADERS).chain((n) => fc.constantFrom(n, n.toUpperCase(), n[0].toUpperCase() + n.slice(1))) },
  { weight: 1, arbitrary: fc.constantFrom("", "Bad Name", "na(me", "naïve", "x\r\ny", "a,b", "[x]", "tab\tname") },
);
const headerValue = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 20 }).filter((v) => /^[\x20-\x7e]*$/.test(v) && v.trim() === v) },
  { weight: 2, arbitrary: fc.constantFrom("a\r\nInjected: 1", "nul\0", "tab\there", "ctl\u0001", "del\u007f", "latin1 é", "euro €", "emoji 😀", "bell\u0007") },
);

describe("extra handshake headers (RFC 7230 3.2, RFC 6455 4.1)", () => {
  test("accepted exactly when every name is a token not set by the handshake and every value is a field value", () => {
    fc.assert(fc.property(fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }), fc.boolean(), (pairs, asStrings) => {
      const unique = asStrings ? pairs : pairs.filter(([n], i) => pairs.findIndex(([m]) => m === n) === i);
      const input = asStrings ? unique.map(([n, v]) => `${n}: ${v}`) : Object.fromEntries(unique);
      // An object lists integer-like keys first, whatever order they were added in.
      const effective = asStrings ? unique.map(([n, v]): [string, string] => [n.trim(), v.trim()])
        : Object.entries(input as Record<string, string>);
      const valid = effective.every(([n, v]) => isToken(n) && !HANDSHAKE_HEADERS.includes(n.toLowerCase()) && isFieldValue(v));
      const error = thrown(() => validateHeaders(input));
      if (valid) {
        expect(error).toBeUndefined();
        expect(validateHeaders(input)).toEqual(effective);
      } else {
        expect(error?.code).toBe("INVALID_HEADER");
        expect(error?.message).toMatch(/header/);
      }
    }), { numRuns: 3000 });
  });
});

test.each(["ctl\u0001", "bell\u0007", "del\u007f", "esc\u001b", "euro €", "emoji 😀"])(
  "header value %j (a control character, or a character that is not one octet) is refused", (value) => {
    expect(thrown(() => validateHeaders({ "X-Test": value }))?.code).toBe("INVALID_HEADER");
  });

test.each(["tab\there", "latin1 é", "quotes \"and\" (comments)"])("header value %j (RFC 7230 field-value) is accepted", (value) => {
  expect(validateHeaders({ "X-Test": value })).toEqual([["X-Test", value]]);
});

describe("subprotocols (RFC 6455 4.1 item 10)", () => {
  test("accepted exactly when every entry is a token and none repeats", () => {
    const entry = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("chat", "superchat", "v2.json", "mqtt") },
      { weight: 2, arbitrary: token }, { weight: 1, arbitrary: fc.constantFrom("", "a b", "a,b", "ü", 'x"y', "{}") });
    fc.assert(fc.property(fc.array(entry, { maxLength: 5 }), (list) => {
      const valid = list.every(isToken) && new Set(list).size === list.length;
      const error = thrown(() => validateProtocols(list));
      if (valid) expect(validateProtocols(list)).toEqual(list);
      else {
        expect(error?.code).toBe("INVALID_PROTOCOL");
        expect(error?.message).toMatch(/subprotocol/);
      }
    }), { numRuns: 2000 });
  });
});

describe("close codes and reasons", () => {
  test("close() takes 1000 or 3000-4999 (any registered code with anyWireCode) and reasons up to 123 UTF-8 bytes", () => {
    const code = fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.constantFrom(1000, 1001, 1002, 1005, 1006, 1015, 2999, 3000, 4999, 5000, 1000.5, Number.NaN));
    const reason = fc.oneof(fc.constant(undefined), fc.constant(""), fc.string({ unit: "binary", maxLength: 60 }), fc.constant("é".repeat(61)), fc.constant("x".repeat(123)), fc.constant("x".repeat(124)));
    fc.assert(fc.property(code, reason, fc.boolean(), (c, r, anyWire) => {
      const codeOk = Number.isInteger(c) && (appCloseCode(c) || (anyWire && wireCloseCode(c)));
      const reasonBytes = Buffer.from(r ?? "", "utf8");
      const error = thrown(() => closeBody(c, r, anyWire));
      if (!codeOk) { expect(error?.code).toBe("INVALID_CLOSE_CODE"); expect(error?.message).toContain(String(c)); return; }
      if (reasonBytes.length > 123) { expect(error?.code).toBe("INVALID_CLOSE_REASON"); expect(error?.message).toContain(String(reasonBytes.length)); return; }
      expect(error).toBeUndefined();
      expect(Buffer.from(closeBody(c, r, anyWire)).toString("hex")).toBe(Buffer.concat([Buffer.from([c >> 8, c & 0xff]), reasonBytes]).toString("hex"));
    }), { numRuns: 3000 });
  });

  test("every one of the 65536 codes in a received close frame: echoed when valid, 1002 otherwise", () => {
    const wrong: string[] = [];
    for (let code = 0; code < 65536; code++) {
      const parsed = parseCloseBody(Uint8Array.from([code >> 8, code & 0xff]));
      if (parsed.ok !== wireCloseCode(code)) wrong.push(`parseCloseBody ${code}: ok=${parsed.ok}`);
    }
    // And through the connection, for every code up to 5100 and a spread across the rest of the range.
    for (let code = 0; code < 65536; code += code < 5100 ? 1 : 97) {
      const h = openClient();
      h.conn.receive(closeFrame(code));
      const sent = h.written.find((f) => f.opcode === 8);
      const wire = sent && sent.payload.length >= 2 ? (sent.payload[0] << 8) | sent.payload[1] : undefined;
      const error = h.events.find((e): e is Extract<typeof e, { type: "error" }> => e.type === "error");
      const got = `${wire} ${error ? `${error.error.code} ${error.error.message}` : "no error"}`;
      const want = wireCloseCode(code) ? `${code} no error` : `1002 PROTOCOL_ERROR close frame with invalid code ${code}`;
      if (got !== want) wrong.push(`close ${code}: ${got}, expected ${want}`);
    }
    expect(wrong).toEqual([]);
  });

  test("random close reasons: accepted exactly when valid UTF-8", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 123 }), (reason) => {
      let valid = true;
      try { new TextDecoder("utf-8", { fatal: true }).decode(reason); } catch { valid = false; }
      const parsed = parseCloseBody(Uint8Array.from([0x03, 0xe8, ...reason]));
      expect(parsed.ok).toBe(valid);
      if (!parsed.ok) expect(parsed).toMatchObject({ error: "INVALID_UTF8", closeCode: 1007 });
    }), { numRuns: 3000 });
  });
});
