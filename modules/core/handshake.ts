import { base64Encode } from "./base64";
import { WebSocketError } from "./errors";
import { sha1 } from "./sha1";
import type { WebSocketUrl } from "./url";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers the handshake itself sets; a caller may not override them. */
const RESERVED = ["host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
  "sec-websocket-protocol", "sec-websocket-extensions", "sec-websocket-accept"];
export const MAX_RESPONSE_HEAD = 8192;

export type HeaderList = [name: string, value: string][];

/** Subprotocols from a string or an array: RFC 7230 tokens, no duplicates. */
export function validateProtocols(protocols: string | readonly string[] | undefined | null): string[] {
  if (protocols === undefined || protocols === null || protocols === "") return [];
  const list = typeof protocols === "string" ? [protocols] : Array.from(protocols);
  const seen: string[] = [];
  for (const p of list) {
    if (typeof p !== "string" || !TOKEN.test(p)) {
      throw new WebSocketError("INVALID_PROTOCOL", `subprotocol "${String(p)}" is not a valid token`);
    }
    if (seen.indexOf(p) >= 0) throw new WebSocketError("INVALID_PROTOCOL", `subprotocol "${p}" is listed twice`);
    seen.push(p);
  }
  return seen;
}

/** Extra headers from an object or from "Name: value" strings, checked for injection and reserved names. */
export function validateHeaders(headers: Record<string, string> | readonly string[] | undefined | null): HeaderList {
  if (headers === undefined || headers === null) return [];
  const list: HeaderList = [];
  if (Array.isArray(headers)) {
    for (const line of headers as readonly string[]) {
      if (typeof line !== "string") throw new WebSocketError("INVALID_HEADER", `extra header ${String(line)} is not a "Name: value" string`);
      const colon = line.indexOf(":");
      if (colon <= 0) throw new WebSocketError("INVALID_HEADER", `extra header "${line}" is not of the form "Name: value"`);
      list.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  } else if (typeof headers === "object") {
    for (const name of Object.keys(headers)) list.push([name, String((headers as Record<string, string>)[name])]);
  } else {
    throw new WebSocketError("INVALID_HEADER", "extra headers must be an object or an array of \"Name: value\" strings");
  }
  for (const [name, value] of list) {
    if (!TOKEN.test(name)) throw new WebSocketError("INVALID_HEADER", `header name "${name}" is not a valid token`);
    if (/[\r\n\0]/.test(value)) throw new WebSocketError("INVALID_HEADER", `header "${name}" has CR, LF or NUL in its value`);
    if (RESERVED.indexOf(name.toLowerCase()) >= 0) {
      throw new WebSocketError("INVALID_HEADER", `header "${name}" is set by the WebSocket handshake and cannot be given`);
    }
  }
  return list;
}

/** Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)). */
export function acceptFor(key: string): string {
  const text = key + GUID;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return base64Encode(sha1(bytes));
}

export interface ClientRequest {
  text: string;
  key: string;
  accept: string;
}

export function buildClientRequest(url: WebSocketUrl, nonce: Uint8Array, protocols: readonly string[],
  headers: HeaderList, extensions?: string): ClientRequest {
  const key = base64Encode(nonce);
  let text = `GET ${url.resource} HTTP/1.1\r\nHost: ${url.hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`;
  if (protocols.length) text += `Sec-WebSocket-Protocol: ${protocols.join(", ")}\r\n`;
  if (extensions) text += `Sec-WebSocket-Extensions: ${extensions}\r\n`;
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`;
  text += "\r\n";
  return { text, key, accept: acceptFor(key) };
}

export interface HttpResponse {
  status: number;
  reason: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Map<string, string>;
}

/**
 * Collects the response head across reads. Returns undefined until the blank
 * line arrives; then the parsed head and whatever bytes followed it (frames
 * the server sent in the same read).
 */
export class ResponseHeadParser {
  private buffer = new Uint8Array(0);

  push(chunk: Uint8Array): { response: HttpResponse; rest: Uint8Array } | undefined {
    const previous = this.buffer.length;
    const joined = new Uint8Array(previous + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, previous);
    const from = previous > 3 ? previous - 3 : 0;
    for (let i = from; i + 3 < joined.length; i++) {
      if (joined[i] === 13 && joined[i + 1] === 10 && joined[i + 2] === 13 && joined[i + 3] === 10) {
        if (i + 4 > MAX_RESPONSE_HEAD) break;
        this.buffer = new Uint8Array(0);
        return { response: parseHead(latin1(joined, 0, i)), rest: joined.subarray(i + 4) };
      }
    }
    if (joined.length > MAX_RESPONSE_HEAD) {
      throw new WebSocketError("HANDSHAKE_TOO_LARGE", `handshake response head is larger than ${MAX_RESPONSE_HEAD} bytes`);
    }
    this.buffer = joined;
    return undefined;
  }
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i += 4096) s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, Math.min(end, i + 4096))));
  return s;
}

function parseHead(head: string): HttpResponse {
  const lines = head.split("\r\n");
  const m = /^HTTP\/1\.1 (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) throw new WebSocketError("HANDSHAKE_FAILED", `handshake response has a malformed status line "${lines[0].slice(0, 80)}"`);
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) {
      throw new WebSocketError("HANDSHAKE_FAILED", `handshake response has a malformed header line "${line.slice(0, 80)}"`);
    }
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = headers.get(name);
    headers.set(name, had === undefined ? value : `${had}, ${value}`);
  }
  return { status: Number(m[1]), reason: m[2] ?? "", headers };
}

function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  return list.split(",").some((t) => t.trim().toLowerCase() === token);
}

/**
 * RFC 6455 4.1: what the client must check in the server's answer. Returns the
 * negotiated subprotocol and the extensions header (validated by `acceptExtensions`).
 */
export function checkResponse(response: HttpResponse, accept: string, offered: readonly string[],
  acceptExtensions?: (header: string) => void): { protocol: string; extensions: string } {
  const h = response.headers;
  if (response.status !== 101) {
    throw new WebSocketError("HANDSHAKE_FAILED",
      `server answered ${response.status}${response.reason ? " " + response.reason : ""} instead of 101 Switching Protocols`,
      { status: response.status });
  }
  if ((h.get("upgrade") ?? "").toLowerCase() !== "websocket") {
    throw new WebSocketError("HANDSHAKE_FAILED", `handshake response lacks "Upgrade: websocket" (got "${h.get("upgrade") ?? ""}")`, { status: 101 });
  }
  if (!hasToken(h.get("connection"), "upgrade")) {
    throw new WebSocketError("HANDSHAKE_FAILED", `handshake response's Connection header lacks "upgrade" (got "${h.get("connection") ?? ""}")`, { status: 101 });
  }
  const got = h.get("sec-websocket-accept");
  if (got !== accept) {
    throw new WebSocketError("HANDSHAKE_FAILED",
      got === undefined ? "handshake response lacks Sec-WebSocket-Accept" : `Sec-WebSocket-Accept "${got}" does not match the key we sent`, { status: 101 });
  }
  let protocol = "";
  const chosen = h.get("sec-websocket-protocol");
  if (chosen !== undefined) {
    if (offered.indexOf(chosen) < 0) {
      throw new WebSocketError("HANDSHAKE_FAILED",
        offered.length ? `server chose subprotocol "${chosen}", which we did not offer` : `server chose subprotocol "${chosen}" but we offered none`, { status: 101 });
    }
    protocol = chosen;
  }
  const extensions = h.get("sec-websocket-extensions") ?? "";
  if (extensions !== "") {
    if (!acceptExtensions) {
      throw new WebSocketError("HANDSHAKE_FAILED", `server named extension "${extensions}", which we did not offer`, { status: 101 });
    }
    acceptExtensions(extensions);
  }
  return { protocol, extensions };
}
