/**
 * Parent side of the simulator's compression (shims/compression.ts): the
 * worker's inflaters and deflaters, kept here by id and run with the host's
 * provider (node/deflate.ts), as native zlib runs under XS on a device.
 */
import { nodeCompression } from "../node/deflate";
import type { Deflater, Inflater } from "../modules/core/extensions/compression";
import type { WireHeader } from "./shims/wire";

export class CompressionBridge {
  private readonly streams = new Map<number, Inflater | Deflater>();
  private nextId = 1;
  /** Streams made so far (a test can see the worker really used the bridge). */
  created = 0;

  answer(header: WireHeader, body: Uint8Array): { header: WireHeader; body?: Uint8Array } {
    switch (header.op) {
      case "zlib.inflater":
        return this.add(nodeCompression.createInflater(Number(header.windowBits), header.noContextTakeover === true));
      case "zlib.deflater":
        return this.add(nodeCompression.createDeflater!({
          windowBits: Number(header.windowBits),
          level: typeof header.level === "number" ? header.level : undefined,
          memLevel: typeof header.memLevel === "number" ? header.memLevel : undefined,
        }));
      case "zlib.inflate": {
        const inflater = this.streams.get(Number(header.id)) as Inflater;
        let out: Uint8Array[] | undefined;
        try {
          out = inflater.push(Uint8Array.from(body), header.flush === true, Number(header.limit));
        } catch (error) {
          return { header: { dataError: (error as Error).message } };
        }
        if (!out) return { header: { overLimit: true } };
        return { header: { lengths: out.map((p) => p.length) }, body: new Uint8Array(Buffer.concat(out)) };
      }
      case "zlib.deflate": {
        const deflater = this.streams.get(Number(header.id)) as Deflater;
        return { header: {}, body: deflater.compress(Uint8Array.from(body), header.resetAfter === true) };
      }
      case "zlib.dispose":
        this.streams.get(Number(header.id))?.dispose();
        this.streams.delete(Number(header.id));
        return { header: {} };
      default:
        throw new Error(`simulator bridge: unknown request ${String(header.op)}`);
    }
  }

  dispose(): void {
    for (const stream of this.streams.values()) stream.dispose();
    this.streams.clear();
  }

  private add(stream: Inflater | Deflater): { header: WireHeader } {
    const id = this.nextId++;
    this.streams.set(id, stream);
    this.created++;
    return { header: { id } };
  }
}
