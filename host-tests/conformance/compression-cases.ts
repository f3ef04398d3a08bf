/**
 * Autobahn-style compression cases (12.x: payload kinds, 13.x: accept
 * policies). Each case: the conformance server accepts permessage-deflate
 * with a given answer, sends `count` compressed messages of one size
 * (optionally auto-fragmented), and checks every compressed echo.
 */
export type PayloadKind = "json" | "bitmap" | "prose" | "html" | "binary-mixed";

export interface CompressionSide {
  /** LZ77 window the side compresses with (the other side inflates with it). */
  windowBits: number;
  noContextTakeover: boolean;
}

export interface CompressionCase {
  id: string;
  category: string;
  title: string;
  /** What the client offers (its options) and what the server answers. */
  clientOptions: { clientMaxWindowBits?: number | boolean; serverNoContextTakeover?: boolean };
  offer: string;
  answer: string;
  server: CompressionSide;
  /** What the client agreed to: its echoes are inflated under exactly these limits. */
  client: CompressionSide;
  payload: PayloadKind;
  size: number;
  count: number;
  /** Split each compressed message into frames of this many payload bytes (0: one frame). */
  fragmentSize: number;
}

const SIZES = [16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072];
const FRAGMENTED_SIZES = SIZES.slice(2);
const AUTO_FRAGMENT = 256;

/**
 * Autobahn sends 1000 messages at every size: 250 MB per ladder, minutes for
 * the 216 cases. DEFLATE_FULL=1 does exactly that; by default each case sends
 * 100 messages, fewer from 4 KiB up (256 KiB per case, at least 4 messages),
 * which keeps the suite to seconds and still crosses every window size many
 * times over.
 */
function countFor(size: number): number {
  if (process.env.DEFLATE_FULL === "1") return 1000;
  return Math.max(4, Math.min(100, Math.floor((256 * 1024) / size)));
}

const PAYLOADS: [string, PayloadKind, string][] = [
  ["12.1", "json", "JSON records (text)"],
  ["12.2", "bitmap", "bitmap-like runs (binary)"],
  ["12.3", "prose", "German prose with umlauts (text)"],
  ["12.4", "html", "HTML markup (text)"],
  ["12.5", "binary-mixed", "PDF-like mix of structure and noise (binary)"],
];

interface Policy { id: string; title: string; answer: string; server: CompressionSide; client: CompressionSide }

const POLICIES: Policy[] = [
  { id: "13.1", title: "accept with no parameters", answer: "permessage-deflate",
    server: { windowBits: 15, noContextTakeover: false }, client: { windowBits: 15, noContextTakeover: false } },
  { id: "13.2", title: "server_no_context_takeover", answer: "permessage-deflate; server_no_context_takeover",
    server: { windowBits: 15, noContextTakeover: true }, client: { windowBits: 15, noContextTakeover: false } },
  { id: "13.3", title: "server_max_window_bits=8", answer: "permessage-deflate; server_max_window_bits=8",
    server: { windowBits: 8, noContextTakeover: false }, client: { windowBits: 15, noContextTakeover: false } },
  { id: "13.4", title: "server_max_window_bits=15", answer: "permessage-deflate; server_max_window_bits=15",
    server: { windowBits: 15, noContextTakeover: false }, client: { windowBits: 15, noContextTakeover: false } },
  { id: "13.5", title: "server_no_context_takeover, server_max_window_bits=8", answer: "permessage-deflate; server_no_context_takeover; server_max_window_bits=8",
    server: { windowBits: 8, noContextTakeover: true }, client: { windowBits: 15, noContextTakeover: false } },
  { id: "13.6", title: "server_no_context_takeover, server_max_window_bits=15", answer: "permessage-deflate; server_no_context_takeover; server_max_window_bits=15",
    server: { windowBits: 15, noContextTakeover: true }, client: { windowBits: 15, noContextTakeover: false } },
  { id: "13.7", title: "client_no_context_takeover, client_max_window_bits=9 (asked of the client)",
    answer: "permessage-deflate; client_no_context_takeover; client_max_window_bits=9",
    server: { windowBits: 15, noContextTakeover: false }, client: { windowBits: 9, noContextTakeover: true } },
];

function ladder(prefix: string, category: string, title: string, base: Omit<CompressionCase, "id" | "category" | "title" | "size" | "count" | "fragmentSize">): CompressionCase[] {
  const out: CompressionCase[] = [];
  SIZES.forEach((size, i) => out.push({ ...base, id: `${prefix}.${i + 1}`, category, title: `${title}: ${countFor(size)} messages of ${size} bytes`, size, count: countFor(size), fragmentSize: 0 }));
  FRAGMENTED_SIZES.forEach((size, i) => out.push({
    ...base, id: `${prefix}.${SIZES.length + i + 1}`, category, size, count: countFor(size), fragmentSize: AUTO_FRAGMENT,
    title: `${title}: ${countFor(size)} messages of ${size} bytes, auto-fragmented to ${AUTO_FRAGMENT}-byte frames`,
  }));
  return out;
}

const DEFAULT_OFFER = "permessage-deflate; client_max_window_bits";

export const compressionCases: CompressionCase[] = [
  ...PAYLOADS.flatMap(([id, payload, title]) => ladder(id, "Compression: payloads", title, {
    clientOptions: {}, offer: DEFAULT_OFFER, answer: "permessage-deflate",
    server: { windowBits: 15, noContextTakeover: false }, client: { windowBits: 15, noContextTakeover: false }, payload,
  })),
  ...POLICIES.flatMap((p) => ladder(p.id, "Compression: accept policies", p.title, {
    clientOptions: {}, offer: DEFAULT_OFFER, answer: p.answer, server: p.server, client: p.client, payload: "json",
  })),
];
