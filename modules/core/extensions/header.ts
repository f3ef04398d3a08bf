/**
 * Sec-WebSocket-Extensions (RFC 6455 9.1): a comma list of extensions, each a
 * token with ";"-separated parameters `name[=value]`, where a value is a token
 * or a quoted-string that must unescape to a token.
 */
import { WebSocketError } from "../errors";
import { TOKEN } from "../http-head";
import { quotePeer } from "../peer-text";

export interface ExtensionParam {
  name: string;
  /** `true` for a parameter without a value. */
  value: string | true;
}

export interface ExtensionElement {
  name: string;
  params: ExtensionParam[];
}

function isTokenChar(c: string): boolean {
  return TOKEN.test(c);
}

/** Parse a header value; throws HANDSHAKE_FAILED naming the first thing that is wrong. */
export function parseExtensions(header: string): ExtensionElement[] {
  const out: ExtensionElement[] = [];
  // Characters taken out once: on XS `header[at]` scans the UTF-8 string from its start each time.
  const chars = Array.from(header);
  let at = 0;
  const n = chars.length;
  const fail = (what: string): never => {
    throw new WebSocketError(
      "HANDSHAKE_FAILED",
      `Sec-WebSocket-Extensions ${quotePeer(header, 120)}: ${what} at offset ${at}`,
    );
  };
  const skipSpace = (): void => {
    while (at < n && (chars[at] === " " || chars[at] === "\t")) at++;
  };
  const token = (what: string): string => {
    const start = at;
    while (at < n && isTokenChar(chars[at])) at++;
    if (at === start) fail(`expected ${what}`);
    return chars.slice(start, at).join("");
  };
  const quoted = (): string => {
    at++; // opening quote
    let value = "";
    while (at < n && chars[at] !== '"') {
      if (chars[at] === "\\") at++;
      if (at >= n) break;
      value += chars[at++];
    }
    if (at >= n) fail("unterminated quoted-string");
    at++; // closing quote
    if (value === "" || !TOKEN.test(value)) fail(`quoted value ${quotePeer(value)} is not a token`);
    return value;
  };

  for (;;) {
    skipSpace();
    // Empty list elements (", ,") are allowed by RFC 7230 7 and ignored.
    if (at < n && chars[at] === ",") {
      at++;
      continue;
    }
    if (at >= n) break;
    const element: ExtensionElement = { name: token("an extension name"), params: [] };
    skipSpace();
    while (at < n && chars[at] === ";") {
      at++;
      skipSpace();
      const name = token("a parameter name");
      skipSpace();
      let value: string | true = true;
      if (at < n && chars[at] === "=") {
        at++;
        skipSpace();
        value = at < n && chars[at] === '"' ? quoted() : token(`a value for ${name}`);
        skipSpace();
      }
      element.params.push({ name, value });
    }
    out.push(element);
    if (at >= n) break;
    if (chars[at] !== ",") fail(`unexpected ${quotePeer(chars[at])}`);
    at++;
  }
  if (out.length === 0) fail("no extension named");
  return out;
}
