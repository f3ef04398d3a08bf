import { parseFrames } from "../support/frames";
/**
 * The device inflater adapter (modules/platform/moddable-zlib.ts) against the
 * contract of the Moddable SDK's `inflate` module. The SDK's class is native
 * (miniz) and cannot run here, so a stand-in over node:zlib keeps its
 * documented behaviour: raw mode only with windowBits -15, push() calls
 * onData synchronously with ArrayBuffers of at most 1 KiB and lets an
 * exception from onData escape, onEnd(0) and a closed stream at the end of a
 * DEFLATE stream (BFINAL), "bad zlib data" thrown on corrupt input. The
 * adapter then runs under a real Client against a compressing ws server.
 */
import * as zlib from "node:zlib";
import { moddableCompression, type ModdableInflateStream } from "../../modules/platform/moddable-zlib";
import { Client, nodeRuntime } from "../../node/index";
import { startWsServer } from "../support/servers";
import { textOf } from "./deflate-client";

const SYNC = zlib.constants.Z_SYNC_FLUSH;

class InflateStandIn implements ModdableInflateStream {
  static instances: InflateStandIn[] = [];
  onData: (chunk: ArrayBuffer) => void = () => undefined;
  onEnd: (error: number) => void = () => undefined;
  /** Bytes handed to onData so far. */
  emitted = 0;
  closed = false;
  private input = Buffer.alloc(0);

  constructor(options: { windowBits: number }) {
    if (options.windowBits !== 15 && options.windowBits !== -15) throw new RangeError("invalid windowBits");
    InflateStandIn.instances.push(this);
  }

  close(): void {
    if (this.closed) throw new Error("closed");
    this.closed = true;
  }

  push(buffer: ArrayBuffer | Uint8Array): number {
    if (this.closed) throw new Error("inflate: closed");
    this.input = Buffer.concat([this.input, buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer)]);
    let out: Buffer;
    let consumed: number;
    try {
      // Everything since the stream began, inflated again: the output past what was emitted is this push's.
      const r = zlib.inflateRawSync(this.input, { finishFlush: SYNC, info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      out = r.buffer;
      consumed = r.engine.bytesWritten;
    } catch {
      this.closed = true;
      throw new Error("bad zlib data");
    }
    while (this.emitted < out.length) {
      const piece = out.subarray(this.emitted, Math.min(out.length, this.emitted + 1024));
      this.emitted += piece.length;
      this.onData(new Uint8Array(piece).buffer);
    }
    if (consumed < this.input.length) {
      this.closed = true;
      this.onEnd(0);
    }
    return 0;
  }
}

const provider = moddableCompression({ Inflate: InflateStandIn });
const TAIL = Uint8Array.of(0, 0, 0xff, 0xff);
const text = (pieces: Uint8Array[] | undefined): string => Buffer.concat((pieces ?? []).map((p) => Buffer.from(p))).toString();

beforeEach(() => { InflateStandIn.instances = []; });

test("RFC 7692 examples: context takeover across messages in one stream", () => {
  const inflater = provider.createInflater(15, false);
  expect(text(inflater.push(Uint8Array.of(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00), false, 100))).toBe("Hello");
  expect(inflater.push(TAIL, true, 95)).toEqual([]);
  expect(text([...inflater.push(Uint8Array.of(0xf2, 0x00, 0x11, 0x00, 0x00), false, 100)!, ...inflater.push(TAIL, true, 100)!])).toBe("Hello");
  expect(InflateStandIn.instances.length).toBe(1);
});

test("a BFINAL message ends the SDK's stream; the tail is dropped and the next message starts a new one", () => {
  const inflater = provider.createInflater(15, true);
  expect(text(inflater.push(Uint8Array.of(0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00), false, 100))).toBe("Hello");
  expect(inflater.push(TAIL, true, 100)).toEqual([]);
  expect(InflateStandIn.instances[0].closed).toBe(true);
  expect(text(inflater.push(Uint8Array.of(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00), false, 100))).toBe("Hello");
  expect(InflateStandIn.instances.length).toBe(2);
});

test("the cap stops inflation inside push (at most one 1 KiB chunk past it) and closes the stream", () => {
  const bomb = zlib.deflateRawSync(new Uint8Array(4 * 1024 * 1024), { finishFlush: SYNC });
  const inflater = provider.createInflater(15, false);
  expect(inflater.push(bomb, false, 10_000)).toBeUndefined();
  const standIn = InflateStandIn.instances[0];
  expect(standIn.emitted).toBeLessThanOrEqual(10_000 + 1024);
  expect(standIn.closed).toBe(true);
});

test("corrupt data throws, and the next message gets a fresh stream", () => {
  const inflater = provider.createInflater(15, false);
  expect(() => inflater.push(Uint8Array.of(0xff, 0xff, 0xff), false, 100)).toThrow(/bad zlib data/);
  expect(text(inflater.push(Uint8Array.of(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00), false, 100))).toBe("Hello");
  expect(InflateStandIn.instances.length).toBe(2);
});

test("no deflater: a Client on this provider receives compressed messages from ws and sends plain ones", async () => {
  // What the client wrote, parsed into frames (TCP reads do not follow frame boundaries).
  const wire: Buffer[] = [];
  const server = await startWsServer({ perMessageDeflate: { threshold: 0 } }, (peer, req) => {
    req.socket.on("data", (d: Buffer) => { wire.push(Buffer.from(d)); });
    peer.on("message", (data, isBinary) => peer.send(data, { binary: isBinary }));
  });
  const runtime = { ...nodeRuntime, platform: { ...nodeRuntime.platform, compression: provider } };
  const messages: string[] = [];
  const closed = new Promise<number>((resolve) => {
    const client: Client = new Client(runtime, server.url, { perMessageDeflate: { serverMaxWindowBits: 10, clientMaxWindowBits: false } }, {
      onOpen: () => { for (const n of [10, 5000, 100_000]) client.send(textOf(n, n)); },
      onMessage: (data) => { messages.push(data as string); if (messages.length === 3) client.close(1000); },
      onClose: (code) => resolve(code),
    });
  });
  expect(await closed).toBe(1000);
  expect(messages).toEqual([10, 5000, 100_000].map((n) => textOf(n, n)));
  const dataFrames = parseFrames(Buffer.concat(wire)).frames.filter((f) => f.opcode === 1);
  expect(dataFrames.map((f) => (f.rsv & 4) !== 0)).toEqual([false, false, false]);
  // One persistent SDK stream served the three messages (context takeover kept).
  expect(InflateStandIn.instances.length).toBe(1);
  await server.close();
});
