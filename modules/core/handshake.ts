import { base64Encode } from "./base64";
import { WebSocketError } from "./errors";
import { sha1 } from "./sha1";
import { HeadParser, TOKEN, asciiBytes, hasToken, latin1 } from "./http-head";
import { PEER_TEXT_MAX, quotePeer } from "./peer-text";
import type { WebSocketUrl } from "./url";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Headers the handshake itself sets; a caller may not override them. */
const RESERVED = Object.freeze([
  "host",
  "upgrade",
  "connection",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
  "sec-websocket-extensions",
  "sec-websocket-accept",
]);
export const MAX_RESPONSE_HEAD = 8192;

export type HeaderList = [name: string, value: string][];

/** Subprotocols from a string or an array: RFC 7230 tokens, no duplicates. */
export function validateProtocols(protocols: string | readonly string[] | undefined | null): string[] {
  // An empty string is a (bad) token, as WHATWG has it; facades whose seeds use '' for "none" map it first.
  if (protocols === undefined || protocols === null) return [];
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
      if (typeof line !== "string")
        throw new WebSocketError("INVALID_HEADER", `extra header ${String(line)} is not a "Name: value" string`);
      const colon = line.indexOf(":");
      if (colon <= 0)
        throw new WebSocketError("INVALID_HEADER", `extra header "${line}" is not of the form "Name: value"`);
      list.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  } else if (typeof headers === "object") {
    for (const name of Object.keys(headers)) list.push([name, String((headers as Record<string, string>)[name])]);
  } else {
    throw new WebSocketError("INVALID_HEADER", 'extra headers must be an object or an array of "Name: value" strings');
  }
  for (const [name, value] of list) {
    if (!TOKEN.test(name)) throw new WebSocketError("INVALID_HEADER", `header name "${name}" is not a valid token`);
    if (/[\r\n\0]/.test(value))
      throw new WebSocketError("INVALID_HEADER", `header "${name}" has CR, LF or NUL in its value`);
    // RFC 7230 3.2: field values are visible characters, space and tab (obs-text as single bytes).
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new WebSocketError(
        "INVALID_HEADER",
        `header "${name}" has a control character or a character above U+00FF in its value`,
      );
    }
    if (RESERVED.indexOf(name.toLowerCase()) >= 0) {
      throw new WebSocketError(
        "INVALID_HEADER",
        `header "${name}" is set by the WebSocket handshake and cannot be given`,
      );
    }
  }
  return list;
}

/** Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)). */
export function acceptFor(key: string): string {
  return base64Encode(sha1(asciiBytes(key + GUID)));
}

export interface ClientRequest {
  text: string;
  key: string;
  accept: string;
}

export function buildClientRequest(
  url: WebSocketUrl,
  nonce: Uint8Array,
  protocols: readonly string[],
  headers: HeaderList,
  extensions?: string,
): ClientRequest {
  const key = base64Encode(nonce);
  let text =
    `GET ${url.resource} HTTP/1.1\r\nHost: ${url.hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
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
 * How every status line the client can accept starts, byte by byte: "HTTP/1.1 ",
 * three digits ("d"), then a space or the CR ending the line ("e").
 */
/** "HTTP/1.1 ddde" as byte codes (d: a digit, e: space or CR), so the check walks no string. */
const STATUS_START = Object.freeze([72, 84, 84, 80, 47, 49, 46, 49, 32, 100, 100, 100, 101]);
/** RFC 9112 4: status code, then an optional reason of visible characters, spaces, tabs and obs-text. */
const STATUS_LINE = /^HTTP\/1\.1 (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;

/** The client's view of the server's answer: status line checked, headers collected. */
export class ResponseHeadParser {
  private readonly parser = new HeadParser(MAX_RESPONSE_HEAD, "response");
  /** The status line's first bytes, while they are still being checked against STATUS_START. */
  private start: string | null = "";

  push(chunk: Uint8Array): { response: HttpResponse; rest: Uint8Array } | undefined {
    if (this.start !== null) this.checkStart(chunk);
    const done = this.parser.push(chunk);
    if (!done) return undefined;
    const m = STATUS_LINE.exec(done.head.startLine);
    if (!m)
      throw new WebSocketError(
        "HANDSHAKE_FAILED",
        `handshake response has a malformed status line ${quotePeer(done.head.startLine)}`,
      );
    return { response: { status: Number(m[1]), reason: m[2] ?? "", headers: done.head.headers }, rest: done.rest };
  }

  /**
   * Refuse an answer that cannot be HTTP/1.1 as soon as its first bytes show it,
   * instead of waiting for a line end that garbage may never send.
   */
  private checkStart(chunk: Uint8Array): void {
    const start = this.start as string;
    const n = Math.min(chunk.length, STATUS_START.length - start.length);
    for (let i = 0; i < n; i++) {
      const want = STATUS_START[start.length + i];
      const c = chunk[i];
      const fits = want === 100 /* d */ ? c >= 48 && c <= 57 : want === 101 /* e */ ? c === 32 || c === 13 : c === want;
      if (!fits) {
        let seen = start + latin1(chunk, 0, Math.min(chunk.length, PEER_TEXT_MAX + 1));
        const end = seen.indexOf("\r\n");
        if (end >= 0) seen = seen.slice(0, end);
        throw new WebSocketError(
          "HANDSHAKE_FAILED",
          `handshake response has a malformed status line ${quotePeer(seen)}: not an HTTP/1.1 status line`,
        );
      }
    }
    this.start = start.length + n === STATUS_START.length ? null : start + latin1(chunk, 0, n);
  }
}

/**
 * RFC 6455 4.1: what the client must check in the server's answer. Returns the
 * negotiated subprotocol and the extensions header (validated by `acceptExtensions`).
 */
export function checkResponse(
  response: HttpResponse,
  accept: string,
  offered: readonly string[],
  acceptExtensions?: (header: string) => void,
): { protocol: string; extensions: string } {
  const h = response.headers;
  if (response.status !== 101) {
    throw new WebSocketError(
      "HANDSHAKE_FAILED",
      `server answered ${response.status}${response.reason ? " " + quotePeer(response.reason) : ""} instead of ` +
        `101 Switching Protocols`,
      { status: response.status },
    );
  }
  if ((h.get("upgrade") ?? "").toLowerCase() !== "websocket") {
    throw new WebSocketError(
      "HANDSHAKE_FAILED",
      `handshake response lacks "Upgrade: websocket" (got ${quotePeer(h.get("upgrade") ?? "")})`,
      { status: 101 },
    );
  }
  if (!hasToken(h.get("connection"), "upgrade")) {
    throw new WebSocketError(
      "HANDSHAKE_FAILED",
      `handshake response's Connection header lacks "upgrade" (got ${quotePeer(h.get("connection") ?? "")})`,
      { status: 101 },
    );
  }
  const got = h.get("sec-websocket-accept");
  if (got !== accept) {
    throw new WebSocketError(
      "HANDSHAKE_FAILED",
      got === undefined
        ? "handshake response lacks Sec-WebSocket-Accept"
        : `Sec-WebSocket-Accept ${quotePeer(got)} does not match the key we sent`,
      { status: 101 },
    );
  }
  let protocol = "";
  const chosen = h.get("sec-websocket-protocol");
  if (chosen !== undefined) {
    if (offered.indexOf(chosen) < 0) {
      throw new WebSocketError(
        "HANDSHAKE_FAILED",
        offered.length
          ? `server chose subprotocol ${quotePeer(chosen)}, which we did not offer`
          : `server chose subprotocol ${quotePeer(chosen)} but we offered none`,
        { status: 101 },
      );
    }
    protocol = chosen;
  }
  const extensions = h.get("sec-websocket-extensions") ?? "";
  if (extensions !== "") {
    if (!acceptExtensions) {
      throw new WebSocketError(
        "HANDSHAKE_FAILED",
        `server named extension ${quotePeer(extensions)}, which we did not offer`,
        { status: 101 },
      );
    }
    acceptExtensions(extensions);
  }
  return { protocol, extensions };
}
