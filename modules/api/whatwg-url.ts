/**
 * The URL steps of WHATWG's `new WebSocket(url)` that come before our ws:/wss:
 * parser (modules/core/url.ts): the URL Standard's clean-up of the input
 * (outer C0 controls and spaces, inner tabs and newlines), `http:` → `ws:`
 * and `https:` → `wss:`, the slashes a special URL may omit or write as `\`,
 * dot segments, and the characters the URL Standard percent-encodes in a
 * path or query. What remains is a URL our parser reads the way the URL
 * Standard does; a URL it cannot read (relative, user info, fragment, a
 * non-ASCII host …) is INVALID_URL, which the browser API throws as a
 * SyntaxError.
 */
import { WebSocketError } from "../core/errors";

function refuse(url: string, problem: string): never {
  throw new WebSocketError("INVALID_URL", `invalid WebSocket URL "${url}": ${problem}`);
}

/**
 * The characters the URL Standard percent-encodes in a path (`query` false) or a query (`query` true),
 * beyond the non-ASCII ones our parser encodes itself. One walk with for...of (XS keeps strings as
 * UTF-8: indexing in a loop would be quadratic) and no module-level RegExp; a new string only when
 * something changes.
 */
function percentEncodeAscii(text: string, query: boolean): string {
  let out = "";
  let from = 0;
  let at = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    const encode =
      c <= 0x20 ||
      c === 0x7f ||
      c === 0x22 ||
      c === 0x3c ||
      c === 0x3e ||
      (query ? c === 0x27 : c === 0x60 || c === 0x7b || c === 0x7d);
    if (encode) {
      out += text.slice(from, at) + "%" + (c < 16 ? "0" : "") + c.toString(16).toUpperCase();
      from = at + 1;
    }
    at += ch.length;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** URL Standard "single-dot" and "double-dot" path segments, %2e included. */
function isDot(segment: string): boolean {
  return segment === "." || segment.toLowerCase() === "%2e";
}
function isDoubleDot(segment: string): boolean {
  const s = segment.toLowerCase();
  return s === ".." || s === ".%2e" || s === "%2e." || s === "%2e%2e";
}

/** The path with dot segments resolved, as the URL Standard's path state does. */
function resolveDots(path: string): string {
  const out: string[] = [];
  const segments = path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    if (isDoubleDot(segment)) {
      out.pop();
      if (last) out.push("");
    } else if (isDot(segment)) {
      if (last) out.push("");
    } else {
      out.push(segment);
    }
  }
  return "/" + out.join("/");
}

/** The URL Standard's first steps: outer C0 controls and spaces cut, tabs and newlines anywhere removed. */
function cleanInput(input: string): string {
  let out = "";
  /** Controls and spaces not yet known to be inner ones. */
  let pending = "";
  for (const ch of input) {
    if (ch === "\t" || ch === "\n" || ch === "\r") continue;
    if (ch.charCodeAt(0) <= 0x20) {
      if (out !== "") pending += ch;
    } else {
      out += pending === "" ? ch : pending + ch;
      pending = "";
    }
  }
  return out;
}

/**
 * The WebSocket constructor's URL as WHATWG reads it, written so that parseUrl reads it the same:
 * returns "ws://…" or "wss://…".
 */
export function webSocketUrl(input: string): string {
  const text = cleanInput(input);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  if (!scheme) refuse(input, "not an absolute URL (there is no base URL to resolve a relative one against)");
  let name = scheme[1].toLowerCase();
  if (name === "http") name = "ws";
  else if (name === "https") name = "wss";
  else if (name !== "ws" && name !== "wss") refuse(input, `scheme "${scheme[1]}:" is not ws:, wss:, http: or https:`);
  // A special URL's authority may follow any number of slashes, either way round.
  const afterScheme = text.slice(scheme[0].length);
  const rest = afterScheme.slice((/^[/\\]*/.exec(afterScheme) as RegExpExecArray)[0].length);
  const stop = rest.search(/[/\\?#]/);
  const end = stop < 0 ? rest.length : stop;
  const authority = rest.slice(0, end);
  let tail = rest.slice(end);
  let fragment = "";
  const hash = tail.indexOf("#");
  if (hash >= 0) {
    fragment = tail.slice(hash); // left for parseUrl to refuse
    tail = tail.slice(0, hash);
  }
  const q = tail.indexOf("?");
  const rawPath = q >= 0 ? tail.slice(0, q) : tail;
  const query = q >= 0 ? tail.slice(q) : "";
  const path = percentEncodeAscii(resolveDots(rawPath === "" ? "/" : rawPath.split("\\").join("/")), false);
  return `${name}://${authority}${path}${percentEncodeAscii(query, true)}${fragment}`;
}
