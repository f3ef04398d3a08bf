/**
 * IP literals, the one place that decides whether a host is an address: the TCP transport skips name resolution
 * for one, the TLS layer matches it against IP subjectAltNames and sends no SNI, and the certificate bundle
 * never tries a wildcard for one.
 */

/** True for a strict IPv4 dotted quad or an IPv6 literal (brackets allowed). */
export function isIpLiteral(host: string): boolean {
  return ipAddressBytes(host) !== undefined;
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
