/**
 * The permessage-deflate transform between messages and frame payloads
 * (RFC 7692 7.2), for one connection. Compression itself comes from the
 * platform; this class applies the agreement: which window each side uses,
 * context takeover, the 0x00 0x00 0xff 0xff tail, the size threshold, and the
 * cap on inflated bytes.
 */
import type { CompressionProvider, Deflater, Inflater } from "./compression";
import { WebSocketError } from "../errors";
import type { DeflateAgreement } from "./permessage-deflate";

const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]); // preload: read-only

export interface DeflateTransformSettings {
  role: "client" | "server";
  agreement: DeflateAgreement;
  provider: CompressionProvider;
  /** Largest inflated message, in bytes. */
  maxMessageSize: number;
  /** Messages shorter than this are sent uncompressed. */
  threshold: number;
  level?: number;
  memLevel?: number;
}

export type InflateResult =
  { ok: true; pieces: Uint8Array[] } | { ok: false; tooBig: boolean; message: string; internal?: WebSocketError };

export class DeflateTransform {
  private readonly settings: DeflateTransformSettings;
  private inflater: Inflater | undefined;
  /** undefined: not made yet; null: the platform cannot compress. */
  private deflater: Deflater | null | undefined;
  /** Inflated bytes of the message being received. */
  private inflated = 0;
  private readonly ownWindowBits: number;
  private readonly peerWindowBits: number;
  private readonly ownNoContextTakeover: boolean;
  private readonly peerNoContextTakeover: boolean;

  constructor(settings: DeflateTransformSettings) {
    this.settings = settings;
    const a = settings.agreement;
    const client = settings.role === "client";
    this.ownWindowBits = client ? a.clientMaxWindowBits : a.serverMaxWindowBits;
    this.peerWindowBits = client ? a.serverMaxWindowBits : a.clientMaxWindowBits;
    this.ownNoContextTakeover = client ? a.clientNoContextTakeover : a.serverNoContextTakeover;
    this.peerNoContextTakeover = client ? a.serverNoContextTakeover : a.clientNoContextTakeover;
  }

  /**
   * The payload of a compressed message (RFC 7692 7.2.1), or undefined when
   * the message goes uncompressed (below the threshold, or no deflater here).
   */
  compress(data: Uint8Array): Uint8Array | undefined {
    if (data.length < this.settings.threshold) return undefined;
    if (this.deflater === undefined) {
      const create = this.settings.provider.createDeflater;
      this.deflater = create
        ? create.call(this.settings.provider, {
            windowBits: this.ownWindowBits,
            level: this.settings.level,
            memLevel: this.settings.memLevel,
          })
        : null;
    }
    if (this.deflater === null) return undefined;
    const out = this.deflater.compress(data, this.ownNoContextTakeover);
    const n = out.length;
    if (n >= 4 && out[n - 4] === 0 && out[n - 3] === 0 && out[n - 2] === 0xff && out[n - 1] === 0xff)
      return out.subarray(0, n - 4);
    // Ends with a BFINAL block: an empty stored block follows, of which the
    // tail removal leaves the one 0x00 byte (RFC 7692 7.2.3.4's example).
    const framed = new Uint8Array(n + 1);
    framed.set(out);
    return framed;
  }

  /**
   * Inflate the next part of a compressed message; `final` on its last frame.
   * Stops as soon as the message would exceed maxMessageSize.
   */
  inflate(data: Uint8Array, final: boolean): InflateResult {
    if (!this.inflater) {
      try {
        this.inflater = this.settings.provider.createInflater(this.peerWindowBits, this.peerNoContextTakeover);
      } catch (e) {
        // Our side cannot inflate (e.g. no inflater in a device build): not the peer's fault, so 1011, not 1007.
        const error =
          e instanceof WebSocketError
            ? e
            : new WebSocketError("INVALID_STATE", `no inflater: ${e instanceof Error ? e.message : String(e)}`);
        return { ok: false, tooBig: false, message: error.message, internal: error };
      }
    }
    const limit = this.settings.maxMessageSize;
    const pieces: Uint8Array[] = [];
    try {
      if (data.length && !this.take(this.inflater.push(data, false, limit - this.inflated), pieces))
        return this.tooBig();
      if (final && !this.take(this.inflater.push(TAIL, true, limit - this.inflated), pieces)) return this.tooBig();
    } catch (e) {
      this.inflated = 0;
      return {
        ok: false,
        tooBig: false,
        message: `compressed message is not valid DEFLATE data (${e instanceof Error ? e.message : String(e)})`,
      };
    }
    if (final) this.inflated = 0;
    return { ok: true, pieces };
  }

  dispose(): void {
    this.inflater?.dispose();
    this.deflater?.dispose();
    this.inflater = undefined;
    this.deflater = null;
  }

  private take(out: Uint8Array[] | undefined, into: Uint8Array[]): boolean {
    if (!out) return false;
    // Indexed loops here and below: for...of allocates an iterator per loop on XS.
    for (let i = 0; i < out.length; i++) {
      const piece = out[i];
      if (!piece.length) continue;
      this.inflated += piece.length;
      into.push(piece);
    }
    return this.inflated <= this.settings.maxMessageSize;
  }

  private tooBig(): InflateResult {
    this.inflated = 0;
    return {
      ok: false,
      tooBig: true,
      message: `inflated message exceeds the limit of ${this.settings.maxMessageSize} bytes`,
    };
  }
}

/** Join pieces into one array (no copy for a single piece). */
export function joinPieces(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  let total = 0;
  for (let i = 0; i < pieces.length; i++) total += pieces[i].length;
  const out = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    out.set(pieces[i], at);
    at += pieces[i].length;
  }
  return out;
}
