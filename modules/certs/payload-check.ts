/**
 * Cheap structural checks of a payload on the device, where there is no X.509
 * parser outside the TLS stack: PEM blocks with the right labels and a
 * base64 body, or DER SEQUENCEs whose lengths cover the payload exactly.
 * They catch a wrong or damaged entry before it reaches the TLS stack; the
 * full parse (and signature checks) stay with the TLS stack.
 */
import { asciiBytes, latin1 } from "../core/http-head";
import type { EntryKind } from "./names";
import type { PayloadFormat } from "./format";

const CERT_LABELS = Object.freeze(["CERTIFICATE"]);
const KEY_LABELS = Object.freeze(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]);

/** "pem" when the bytes (after leading white space) open with `-----BEGIN `, else "der". */
export function sniffFormat(bytes: Uint8Array): PayloadFormat {
  let i = 0;
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return startsWithAscii(bytes, i, asciiBytes("-----BEGIN ")) ? "pem" : "der";
}

/** Returns a description of what is wrong, or undefined when the payload looks right for its kind. */
export function checkPayload(bytes: Uint8Array, format: PayloadFormat, kind: EntryKind): string | undefined {
  if (bytes.length === 0) return "is empty";
  const single = kind === "cert" || kind === "key";
  const what = kind === "key" ? "private key" : "certificate";
  if (format === "pem") {
    const labels = pemLabels(bytes);
    if (typeof labels === "string") return labels;
    if (labels.length === 0) return "holds no PEM block";
    const allowed = kind === "key" ? KEY_LABELS : CERT_LABELS;
    for (const label of labels) {
      if (allowed.indexOf(label) < 0) return `holds a PEM "${label}" block where a ${what} was expected`;
    }
    if (single && labels.length !== 1) return `holds ${labels.length} PEM blocks where one ${what} was expected`;
    return undefined;
  }
  const count = derSequenceCount(bytes);
  if (typeof count === "string") return count;
  if (single && count !== 1) return `holds ${count} DER structures where one ${what} was expected`;
  return undefined;
}

/**
 * Whether a (shape-checked) key needs a password: PEM "ENCRYPTED PRIVATE KEY"
 * or legacy "Proc-Type: 4,ENCRYPTED"; DER EncryptedPrivateKeyInfo, whose
 * first inner element is a SEQUENCE (a plain key starts with an INTEGER).
 */
export function isEncryptedKey(bytes: Uint8Array, format: PayloadFormat): boolean {
  if (format === "pem") return indexOfAscii(bytes, asciiBytes("ENCRYPTED"), 0) >= 0;
  if (bytes.length < 2) return false;
  const lengthOctets = bytes[1] & 0x80 ? bytes[1] & 0x7f : 0;
  return bytes[2 + lengthOctets] === 0x30;
}

/** Labels of the PEM blocks in order, or a description of the damage. */
function pemLabels(bytes: Uint8Array): string[] | string {
  const labels: string[] = [];
  const begin = asciiBytes("-----BEGIN ");
  const dashes = asciiBytes("-----");
  let i = 0;
  const n = bytes.length;
  while (true) {
    while (i < n && isSpace(bytes[i])) i++;
    if (i >= n) return labels;
    if (!startsWithAscii(bytes, i, begin)) return "has text outside a PEM block";
    const labelStart = i + begin.length;
    const labelEnd = indexOfAscii(bytes, dashes, labelStart);
    if (labelEnd < 0 || labelEnd - labelStart > 64) return "has a damaged PEM BEGIN line";
    const label = latin1(bytes, labelStart, labelEnd);
    const endLine = asciiBytes("-----END " + label + "-----");
    const bodyStart = labelEnd + dashes.length;
    const bodyEnd = indexOfAscii(bytes, endLine, bodyStart);
    if (bodyEnd < 0) return `has a PEM "${label}" block without its END line (truncated?)`;
    const problem = checkPemBody(bytes, bodyStart, bodyEnd);
    if (problem) return `has a PEM "${label}" block ${problem}`;
    labels.push(label);
    i = bodyEnd + endLine.length;
  }
}

/** Base64 lines, optionally after RFC 1421 header lines ("Proc-Type: ..."), which end at a blank line. */
function checkPemBody(bytes: Uint8Array, start: number, end: number): string | undefined {
  let base64 = 0;
  let i = start;
  // Legacy encrypted keys carry "Name: value" lines before the base64.
  const colon = bytes.indexOf(0x3a /* : */, start);
  if (colon >= 0 && colon < end) {
    const blank = indexOfBlankLine(bytes, start, end);
    if (blank < 0) return "with header lines but no blank line after them";
    i = blank;
  }
  for (; i < end; i++) {
    const b = bytes[i];
    if (isBase64(b)) base64++;
    else if (b !== 0x3d /* = */ && !isSpace(b)) return "with a character that is not base64";
  }
  return base64 === 0 ? "with an empty body" : undefined;
}

function indexOfBlankLine(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end - 1; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0d && i + 2 < end && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** How many back-to-back DER SEQUENCEs fill the bytes exactly, or a description of the damage. */
function derSequenceCount(bytes: Uint8Array): number | string {
  const parts = splitDer(bytes);
  return typeof parts === "string" ? parts : parts.length;
}

/** The back-to-back DER SEQUENCEs that fill `bytes` exactly (as views), or a description of the damage. */
export function splitDer(bytes: Uint8Array): Uint8Array[] | string {
  const parts: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== 0x30) return "is neither PEM nor a DER SEQUENCE";
    if (i + 2 > bytes.length) return "has a truncated DER length";
    let length = bytes[i + 1];
    let header = 2;
    if (length & 0x80) {
      const octets = length & 0x7f;
      if (octets === 0 || octets > 4) return "has an unsupported DER length";
      if (i + 2 + octets > bytes.length) return "has a truncated DER length";
      length = 0;
      for (let k = 0; k < octets; k++) length = length * 256 + bytes[i + 2 + k];
      header += octets;
    }
    if (i + header + length > bytes.length) return "has a DER structure longer than the entry (truncated?)";
    parts.push(bytes.subarray(i, i + header + length));
    i += header + length;
  }
  return parts;
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function isBase64(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f;
}

// Markers are compared as bytes (asciiBytes, once per call): on XS text.charCodeAt(k) rescans the string.
function startsWithAscii(bytes: Uint8Array, at: number, text: Uint8Array): boolean {
  if (at + text.length > bytes.length) return false;
  for (let k = 0; k < text.length; k++) if (bytes[at + k] !== text[k]) return false;
  return true;
}

function indexOfAscii(bytes: Uint8Array, text: Uint8Array, from: number): number {
  const last = bytes.length - text.length;
  for (let i = from; i <= last; i++) if (startsWithAscii(bytes, i, text)) return i;
  return -1;
}
