import { WebSocketError } from "./errors";
import { quotePeer } from "./peer-text";
import { APPLY_CHUNK } from "./utf8";

/** RFC 9110 5.6.2 token characters, as a character class: the one definition every header rule uses. */
const TCHAR = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";

/** A whole string that is an RFC 9110 token (a header name, a method, a subprotocol, an extension name). */
export const TOKEN = new RegExp(`^${TCHAR}+$`);

/**
 * A request line `METHOD target HTTP/x.y`; the target is visible characters and obs-text, no controls (RFC 9112 3.2).
 */
export const REQUEST_LINE = new RegExp(`^(${TCHAR}+) ([\\x21-\\x7e\\x80-\\xff]+) (HTTP\\/\\d\\.\\d)$`);

export interface HttpHead {
  startLine: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Map<string, string>;
}

/**
 * Collects an HTTP head across reads, up to a size cap. Returns undefined
 * until the blank line arrives; then the head and whatever bytes followed it.
 */
export class HeadParser {
  private buffer = new Uint8Array(0);
  private readonly maxSize: number;
  private readonly what: string;

  constructor(maxSize: number, what: string) {
    this.maxSize = maxSize;
    this.what = what;
  }

  push(chunk: Uint8Array): { head: HttpHead; rest: Uint8Array } | undefined {
    const previous = this.buffer.length;
    const joined = new Uint8Array(previous + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, previous);
    const from = previous > 3 ? previous - 3 : 0;
    for (let i = from; i + 3 < joined.length; i++) {
      if (joined[i] === 13 && joined[i + 1] === 10 && joined[i + 2] === 13 && joined[i + 3] === 10) {
        if (i + 4 > this.maxSize) break;
        this.buffer = new Uint8Array(0);
        return { head: this.parse(latin1(joined, 0, i)), rest: joined.subarray(i + 4) };
      }
    }
    if (joined.length > this.maxSize) {
      throw new WebSocketError(
        "HANDSHAKE_TOO_LARGE",
        `handshake ${this.what} head is larger than ${this.maxSize} bytes`,
        { status: 431 },
      );
    }
    this.buffer = joined;
    return undefined;
  }

  private parse(text: string): HttpHead {
    const lines = text.split("\r\n");
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(":");
      if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) {
        throw new WebSocketError(
          "HANDSHAKE_FAILED",
          `handshake ${this.what} has a malformed header line ${quotePeer(line)}`,
          { status: 400 },
        );
      }
      addField(headers, line.slice(0, colon), line.slice(colon + 1), this.what);
    }
    return { startLine: lines[0], headers };
  }
}

/**
 * RFC 9110 5.5: a field value is visible characters, space, tab and obs-text; no NUL, lone CR or LF, nor other
 * controls.
 */
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Fields a message may carry only once (RFC 9112 3.2: a request with two Host lines gets 400). */
const SINGLE = Object.freeze(["host"]);
/** Optional whitespace around a field value: spaces and tabs only. */
const LEADING_OWS = /^[ \t]+/;
const TRAILING_OWS = /[ \t]+$/;

/**
 * Add one header line to `headers` (lower-cased name; repeats joined with ", "),
 * refusing a value with control characters or a repeated single field. Shared by
 * the head parser and server entries that take a head an HTTP server already split.
 */
export function addField(headers: Map<string, string>, name: string, rawValue: string, what: string): void {
  const lower = name.toLowerCase();
  if (BAD_VALUE.test(rawValue)) {
    throw new WebSocketError(
      "HANDSHAKE_FAILED",
      `handshake ${what} header ${quotePeer(name)} has a control character (NUL, CR, LF ...) in its value ` +
        `${quotePeer(rawValue)}`,
      { status: 400 },
    );
  }
  // Non-global patterns: a preloaded (frozen) RegExp cannot have its lastIndex written.
  const value = rawValue.replace(LEADING_OWS, "").replace(TRAILING_OWS, "");
  const had = headers.get(lower);
  if (had !== undefined && SINGLE.indexOf(lower) >= 0) {
    throw new WebSocketError("HANDSHAKE_FAILED", `handshake ${what} has more than one ${quotePeer(name)} header`, {
      status: 400,
    });
  }
  headers.set(lower, had === undefined ? value : `${had}, ${value}`);
}

/**
 * Bytes as one character each, in pieces the XS stack can take, joined once (`s +=` would copy all so far each time).
 */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  const pieces: string[] = [];
  for (let i = start; i < end; i += APPLY_CHUNK)
    pieces.push(String.fromCharCode.apply(null, Array.from(bytes.subarray(i, Math.min(end, i + APPLY_CHUNK)))));
  return pieces.join("");
}

/**
 * One byte per character (the low 8 bits), walking the string once: on XS
 * `text.charCodeAt(i)` and `text.length` rescan the string each time.
 */
export function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  let i = 0;
  for (const ch of text) bytes[i++] = (ch.codePointAt(0) as number) & 0xff;
  return i === bytes.length ? bytes : bytes.slice(0, i);
}

/** True when a comma-separated header value contains `token` (case-insensitive). */
export function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  return list.split(",").some((t) => t.trim().toLowerCase() === token);
}
