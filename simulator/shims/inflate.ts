/**
 * The simulator's stand-in for the Moddable SDK's `inflate` module
 * (modules/data/zlib: miniz), as far as its contract goes: raw DEFLATE only
 * with windowBits -15 (or 15 for zlib), push(bytes) calls onData
 * synchronously with ArrayBuffers of at most 1 KiB and lets an exception
 * from onData escape, "bad zlib data" on corrupt input. The inflating is
 * node:zlib in the parent (compression-bridge.ts), which returns output at a
 * sync-flush point, so output arrives with the bytes that end in
 * 00 00 ff ff rather than as soon as miniz would give it. Not modelled: onEnd
 * at a BFINAL block.
 */
import { request } from "./host";

const PIECE = 1024;
const NO_LIMIT = 0x3fffffff;

function endsWithSyncFlush(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 4 && bytes[n - 4] === 0 && bytes[n - 3] === 0 && bytes[n - 2] === 0xff && bytes[n - 1] === 0xff;
}

export default class Inflate {
  onData: (chunk: ArrayBuffer) => void = () => undefined;
  onEnd: (error: number) => void = () => undefined;
  private id: number | undefined;

  constructor(options: { windowBits?: number } = {}) {
    if (options.windowBits !== -15 && options.windowBits !== 15) throw new Error("invalid windowBits");
    this.id = Number(request({ op: "zlib.inflater", windowBits: 15, noContextTakeover: false }).header.id);
  }

  push(buffer: ArrayBuffer | Uint8Array, _end?: boolean): void {
    if (this.id === undefined) throw new Error("inflate: closed");
    const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
    const { header, body } = request({ op: "zlib.inflate", id: this.id, flush: endsWithSyncFlush(bytes), limit: NO_LIMIT }, bytes);
    if (typeof header.dataError === "string") {
      this.close();
      throw new Error("bad zlib data");
    }
    for (let at = 0; at < body.length; at += PIECE) this.onData(body.slice(at, Math.min(body.length, at + PIECE)).buffer);
  }

  close(): void {
    if (this.id === undefined) throw new Error("inflate: closed");
    request({ op: "zlib.dispose", id: this.id });
    this.id = undefined;
  }
}
