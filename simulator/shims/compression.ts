/**
 * Worker side of the simulator's compression: a CompressionProvider whose
 * inflaters and deflaters live in the Node parent (node/deflate.ts over
 * node:zlib), reached through the synchronous issueCommand channel, as a
 * device reaches its native zlib. The core's transform, caps and UTF-8
 * checks run here, on XS.
 */
import type { CompressionProvider, Deflater, DeflaterSettings, Inflater } from "../../modules/core/extensions/compression";
import { request } from "./host";

/** Split a body of concatenated pieces back into pieces (lengths travel in the header). */
function pieces(body: Uint8Array, lengths: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const n of lengths) {
    out.push(body.slice(at, at + n));
    at += n;
  }
  return out;
}

class BridgedInflater implements Inflater {
  constructor(private readonly id: number) {}

  push(input: Uint8Array, flush: boolean, limit: number): Uint8Array[] | undefined {
    const { header, body } = request({ op: "zlib.inflate", id: this.id, flush, limit }, input);
    if (header.overLimit === true) return undefined;
    if (typeof header.dataError === "string") throw new Error(header.dataError);
    return pieces(body, header.lengths as number[]);
  }

  dispose(): void {
    request({ op: "zlib.dispose", id: this.id });
  }
}

class BridgedDeflater implements Deflater {
  constructor(private readonly id: number) {}

  compress(data: Uint8Array, resetAfter: boolean): Uint8Array {
    return request({ op: "zlib.deflate", id: this.id, resetAfter }, data).body.slice();
  }

  dispose(): void {
    request({ op: "zlib.dispose", id: this.id });
  }
}

export const bridgeCompression: CompressionProvider = {
  createInflater: (windowBits: number, noContextTakeover: boolean) =>
    new BridgedInflater(Number(request({ op: "zlib.inflater", windowBits, noContextTakeover }).header.id)),
  createDeflater: (settings: DeflaterSettings) =>
    new BridgedDeflater(Number(request({ op: "zlib.deflater", ...settings }).header.id)),
};
