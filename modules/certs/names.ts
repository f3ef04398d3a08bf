/**
 * Entry names in the bundle follow seed 000: `<domain>_<kind>`, e.g.
 * `localhost_cert`. A domain is a host name, an IPv4 address, a wildcard
 * `*.<domain>` (matches exactly one more label), or the reserved `default`.
 */
import { isIpLiteral } from "../core/ip-address";

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
