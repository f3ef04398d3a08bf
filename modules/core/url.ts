import { WebSocketError } from "./errors";
import { decodeUtf8, encodeUtf8 } from "./utf8";

export interface WebSocketUrl {
  secure: boolean;
  /** Host as written, lower-cased; IPv6 literals without brackets. */
  host: string;
  port: number;
  /** Path and query, "/" when empty. */
  resource: string;
  /** Value of the Host header: brackets for IPv6, the port only when not the default. */
  hostHeader: string;
  /** The URL normalised, as WebSocket.url reports it. */
  href: string;
}

function fail(url: string, problem: string): never {
  throw new WebSocketError("INVALID_URL", `invalid WebSocket URL "${url}": ${problem}`);
}

const HOST_CHARS = /^[a-z0-9\-._~!$&'()*+,;=%]+$/;

/** Parse a ws: or wss: URL as RFC 6455 section 3 defines them. */
export function parseUrl(url: string): WebSocketUrl {
  if (typeof url !== "string") fail(String(url), "not a string");
  const text = url.trim();
  const colon = text.indexOf(":");
  if (colon < 0) fail(url, "no scheme (expected ws: or wss:)");
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme !== "ws" && scheme !== "wss") fail(url, `scheme "${scheme}:" is not ws: or wss:`);
  const secure = scheme === "wss";
  if (text.slice(colon + 1, colon + 3) !== "//") fail(url, "expected // after the scheme");
  if (text.indexOf("#") >= 0) fail(url, "fragments (#) are not allowed");
  if (/[\s\x00-\x1f\x7f]/.test(text)) fail(url, "contains white space or control characters");

  const rest = text.slice(colon + 3);
  let end = rest.length;
  for (const stop of ["/", "?"]) {
    const i = rest.indexOf(stop);
    if (i >= 0 && i < end) end = i;
  }
  const authority = rest.slice(0, end);
  let resource = rest.slice(end);
  if (resource === "") resource = "/";
  else if (resource[0] === "?") resource = "/" + resource;
  if (authority.indexOf("@") >= 0) fail(url, "user information (user:password@) is not allowed");
  if (authority === "") fail(url, "empty host");

  let host: string;
  let portText = "";
  if (authority[0] === "[") {
    const close = authority.indexOf("]");
    if (close < 0) fail(url, "unterminated IPv6 literal");
    host = authority.slice(1, close).toLowerCase();
    if (!/^[0-9a-f:.]+$/.test(host) || host.indexOf(":") < 0) fail(url, `"${host}" is not an IPv6 address`);
    const after = authority.slice(close + 1);
    if (after !== "") {
      if (after[0] !== ":") fail(url, `unexpected "${after}" after the IPv6 literal`);
      portText = after.slice(1);
      if (portText === "") fail(url, "empty port");
    }
  } else {
    const pc = authority.lastIndexOf(":");
    if (pc >= 0) {
      host = authority.slice(0, pc).toLowerCase();
      portText = authority.slice(pc + 1);
      if (portText === "") fail(url, "empty port");
    } else {
      host = authority.toLowerCase();
    }
    if (host === "") fail(url, "empty host");
    if (!HOST_CHARS.test(host)) fail(url, `host "${host}" has characters a host name cannot have`);
  }

  const defaultPort = secure ? 443 : 80;
  let port = defaultPort;
  if (portText !== "") {
    if (!/^[0-9]{1,5}$/.test(portText)) fail(url, `port "${portText}" is not a number`);
    port = Number(portText);
    if (port < 1 || port > 65535) fail(url, `port ${port} is out of range 1-65535`);
  }
  resource = percentEncodeNonAscii(resource);
  const hostPart = host.indexOf(":") >= 0 ? `[${host}]` : host;
  const hostHeader = port === defaultPort ? hostPart : `${hostPart}:${port}`;
  return { secure, host, port, resource, hostHeader, href: `${scheme}://${hostHeader}${resource}` };
}

/**
 * Characters outside ASCII go on the request line as percent-encoded UTF-8, as WHATWG URLs do.
 * Built as bytes and made a string once: `out +=` per byte copies all so far on XS.
 */
function percentEncodeNonAscii(resource: string): string {
  if (!/[^\x00-\x7f]/.test(resource)) return resource;
  const bytes = encodeUtf8(resource);
  let wide = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) wide++;
  const out = new Uint8Array(bytes.length + 2 * wide);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) {
      out[o++] = b;
      continue;
    }
    out[o++] = 0x25; // %
    out[o++] = hexDigit(b >> 4);
    out[o++] = hexDigit(b & 15);
  }
  return decodeUtf8(out); // all ASCII
}

/** ASCII of an upper-case hex digit. */
function hexDigit(n: number): number {
  return n < 10 ? 0x30 + n : 0x37 + n;
}
