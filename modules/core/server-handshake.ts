import { base64Decode } from "./base64";
import { acceptFor, validateProtocols, type HeaderList } from "./handshake";
import { REQUEST_LINE, TOKEN, hasToken, type HttpHead } from "./http-head";

export interface UpgradeRequest {
  method: string;
  /** Request target: path and query. */
  path: string;
  version: string;
  /** Lower-cased names. */
  headers: Map<string, string>;
}

export type RequestCheck =
  | { ok: true; key: string; protocols: string[]; extensions: string }
  | { ok: false; status: number; reason: string; headers?: HeaderList };

/** Split a request head's start line; undefined when it is not `METHOD target HTTP/x.y`. */
export function requestFromHead(head: HttpHead): UpgradeRequest | undefined {
  const m = REQUEST_LINE.exec(head.startLine);
  if (!m) return undefined;
  return { method: m[1], path: m[2], version: m[3], headers: head.headers };
}

/** RFC 6455 4.2.1: what a server must check in a client's opening handshake. */
export function checkUpgradeRequest(request: UpgradeRequest): RequestCheck {
  const h = request.headers;
  const refuse = (reason: string): RequestCheck => ({ ok: false, status: 400, reason });
  if (request.method !== "GET")
    return { ok: false, status: 405, reason: `method ${request.method} is not GET`, headers: [["Allow", "GET"]] };
  if (request.version !== "HTTP/1.1") return refuse(`${request.version} is not HTTP/1.1`);
  if (!h.get("host")) return refuse("missing Host header");
  if ((h.get("upgrade") ?? "").toLowerCase() !== "websocket") return refuse('missing "Upgrade: websocket"');
  if (!hasToken(h.get("connection"), "upgrade")) return refuse('Connection header lacks "upgrade"');
  const key = h.get("sec-websocket-key");
  const nonce = key === undefined ? undefined : base64Decode(key);
  if (!key || !nonce || nonce.length !== 16) return refuse("Sec-WebSocket-Key is not 16 bytes in base64");
  if (h.get("sec-websocket-version") !== "13") {
    return {
      ok: false,
      status: 426,
      reason: "only WebSocket version 13 is supported",
      headers: [["Sec-WebSocket-Version", "13"]],
    };
  }
  let protocols: string[] = [];
  const offered = h.get("sec-websocket-protocol");
  if (offered !== undefined) {
    const list = offered
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    try {
      protocols = validateProtocols(list);
    } catch {
      return refuse("Sec-WebSocket-Protocol is not a list of distinct tokens");
    }
  }
  return { ok: true, key, protocols, extensions: h.get("sec-websocket-extensions") ?? "" };
}

export function acceptResponse(key: string, protocol: string, headers: HeaderList): string {
  let text =
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: ` +
    `Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n`;
  if (protocol) text += `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`;
  return text + "\r\n";
}

const REASONS: Record<number, string> = Object.freeze({
  400: "Bad Request",
  403: "Forbidden",
  405: "Method Not Allowed",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
});

/** A short plain-text refusal that closes the connection. */
export function refusalResponse(status: number, reason: string, headers: HeaderList = []): string {
  const body = reason + "\n";
  let text =
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: ` +
    `text/plain\r\nContent-Length: ${body.length}\r\n`;
  for (const [name, value] of headers) if (TOKEN.test(name)) text += `${name}: ${value}\r\n`;
  return text + "\r\n" + body;
}
