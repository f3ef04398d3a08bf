/**
 * What the RFCs say about the inputs a user gives the client, written from
 * the texts (RFC 6455 sections 3, 4.1, 7.4; RFC 7230 3.2, 3.2.6; RFC 3986 3.2)
 * and built from the parts a generator chose, not by parsing the string.
 */
export const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function isToken(s: string): boolean {
  return s.length > 0 && Array.from(s).every((c) => TCHAR.includes(c));
}

/** RFC 7230 3.2: field-value is VCHAR / obs-text with SP and HTAB between; no other controls, and octets only (no chars above U+00FF). */
export function isFieldValue(s: string): boolean {
  return Array.from(s).every((c) => {
    const x = c.codePointAt(0)!;
    return x === 0x09 || (x >= 0x20 && x <= 0x7e) || (x >= 0x80 && x <= 0xff);
  });
}

/** Names the opening handshake sets itself (RFC 6455 4.1): a user may not supply them. */
export const HANDSHAKE_HEADERS = ["host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
  "sec-websocket-protocol", "sec-websocket-extensions", "sec-websocket-accept"];

export interface UrlParts {
  scheme: string;
  slashes: string;
  userinfo: string;
  host: { text: string; valid: boolean; normal: string };
  port: { text: string; valid: boolean; value: number | null };
  path: { text: string; valid: boolean };
}

export type UrlVerdict = { valid: false } | { valid: true; secure: boolean; host: string; port: number; resource: string };

/** RFC 6455 3: ws/wss, "//" authority, no user information, no fragment; default ports 80/443; resource "/" when empty. */
export function urlOracle(p: UrlParts): UrlVerdict {
  const scheme = p.scheme.toLowerCase();
  if (scheme !== "ws" && scheme !== "wss") return { valid: false };
  if (p.slashes !== "//") return { valid: false };
  if (p.userinfo !== "" || !p.host.valid || !p.port.valid || !p.path.valid) return { valid: false };
  const secure = scheme === "wss";
  const resource = p.path.text === "" ? "/" : p.path.text.startsWith("?") ? "/" + p.path.text : p.path.text;
  return { valid: true, secure, host: p.host.normal, port: p.port.value ?? (secure ? 443 : 80), resource };
}

export function urlText(p: UrlParts): string {
  return `${p.scheme}:${p.slashes}${p.userinfo}${p.host.text}${p.port.text}${p.path.text}`;
}

/** Close codes an application may pass to close() (WHATWG WebSocket: 1000 or 3000-4999). */
export const appCloseCode = (c: number): boolean => c === 1000 || (c >= 3000 && c <= 4999);

/** Codes a peer may put in a close frame: RFC 6455 7.4.1 plus the IANA registrations 1012-1014; never 1004-1006 or 1015. */
export const wireCloseCode = (c: number): boolean => (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
