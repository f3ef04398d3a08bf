/**
 * Entry names in the bundle follow seed 000: `<domain>_<kind>`, e.g.
 * `localhost_cert`. A domain is a host name, an IPv4 address, a wildcard
 * `*.<domain>` (matches exactly one more label), or the reserved `default`.
 */

export type EntryKind = "cert" | "key" | "chain" | "ca";
export const ENTRY_KINDS: readonly EntryKind[] = Object.freeze(["cert", "key", "chain", "ca"]);

export const DEFAULT_DOMAIN = "default";

export interface EntryName {
  domain: string;
  kind: EntryKind;
}

/** Split `localhost_cert` into its domain and kind; undefined when the name is not `<domain>_<kind>`. */
export function parseEntryName(name: string): EntryName | undefined {
  const cut = name.lastIndexOf("_");
  if (cut <= 0) return undefined;
  const kind = name.slice(cut + 1);
  if (!isKind(kind)) return undefined;
  const domain = name.slice(0, cut);
  return isValidDomain(domain) ? { domain, kind } : undefined;
}

export function entryName(domain: string, kind: EntryKind): string {
  return domain + "_" + kind;
}

function isKind(s: string): s is EntryKind {
  return s === "cert" || s === "key" || s === "chain" || s === "ca";
}

/**
 * A domain as stored in a bundle: lower case, no trailing dot, labels of
 * letters, digits and inner hyphens (1-63 bytes), at most 253 bytes; an
 * optional leading `*` label; or `default`.
 */
export function isValidDomain(domain: string): boolean {
  if (domain === DEFAULT_DOMAIN) return true;
  if (domain.length === 0 || domain.length > 253) return false;
  const labels = domain.split(".");
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === "*") {
      // A wildcard is only the whole first label, and needs something after it.
      if (i !== 0 || labels.length < 2) return false;
      continue;
    }
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) return false;
  }
  return true;
}

/** Lower-case a host and drop one trailing dot; `[::1]` style brackets are removed. */
export function normalizeHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h.endsWith(".")) h = h.slice(0, -1);
  return h;
}

function isIpLiteral(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(":");
}

/**
 * The domains to try for a host, most specific first: the host itself, the
 * wildcard one level up (never for IP addresses, never for a bare
 * single-label host), then `default`.
 */
export function candidateDomains(host: string): string[] {
  const h = normalizeHost(host);
  const out: string[] = [];
  if (h.length > 0 && h !== DEFAULT_DOMAIN) out.push(h);
  const dot = h.indexOf(".");
  if (!isIpLiteral(h) && dot > 0 && dot < h.length - 1) out.push("*" + h.slice(dot));
  out.push(DEFAULT_DOMAIN);
  return out;
}

/**
 * The bytes of an IP literal (IPv4 dotted quad: 4 bytes; IPv6, brackets
 * allowed, `::` and a trailing dotted quad included: 16 bytes), or undefined
 * when `host` is a name. A TLS server known by an address is matched against
 * the certificate's IP subjectAltNames (`IP:`), never its DNS names.
 */
export function ipAddressBytes(host: string): Uint8Array | undefined {
  let h = host;
  if (h.charAt(0) === "[" && h.charAt(h.length - 1) === "]") h = h.slice(1, -1);
  if (h.indexOf(":") >= 0) return ipv6Bytes(h);
  const out = new Uint8Array(4);
  return ipv4Bytes(h, out, 0) ? out : undefined;
}

/** Writes a strict dotted quad (no leading zeros) at `at`; false when `text` is not one. */
function ipv4Bytes(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split(".");
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

function ipv6Bytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];
  const groups: number[] = [];
  const all = halves.length === 2 ? [...head, "", ...tail] : head;
  let gap = -1;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (g === "" && halves.length === 2 && i === head.length) {
      gap = groups.length;
      continue;
    }
    if (i === all.length - 1 && g.indexOf(".") >= 0) {
      const quad = new Uint8Array(4);
      if (!ipv4Bytes(g, quad, 0)) return undefined;
      groups.push((quad[0] << 8) | quad[1], (quad[2] << 8) | quad[3]);
      continue;
    }
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
    groups.push(parseInt(g, 16));
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return undefined;
  const zeros = gap < 0 ? 0 : 8 - groups.length;
  let at = 0;
  for (let i = 0; i <= groups.length; i++) {
    if (i === gap) at += zeros;
    if (i === groups.length) break;
    out[at * 2] = groups[i] >> 8;
    out[at * 2 + 1] = groups[i] & 0xff;
    at++;
  }
  return out;
}
