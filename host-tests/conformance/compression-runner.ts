/**
 * Runs one compression case on the conformance server. The server side
 * compresses and inflates with node:zlib streams of its own (not the
 * library's provider), so the client is not checked against itself: the
 * server's messages come from a persistent zlib stream flushed per message
 * (a fresh one per message under server_no_context_takeover), and the
 * client's echoes are inflated under exactly the window and takeover the
 * client agreed to (a fresh inflater per echo when it promised no context
 * takeover, so a back-reference would fail the case).
 */
import * as zlib from "node:zlib";
import { Client, nodeRuntime, type ClientOptions } from "../../node/index";
import { nodeCompression } from "../../node/deflate";
import type { CompressionCase, CompressionSide } from "./compression-cases";
import { isText, messageOf } from "./compression-payloads";
import { ConformanceServer, type Peer } from "./test-server";
import { OP, close, concat, frame, type Bytes } from "./wire";

const SYNC = zlib.constants.Z_SYNC_FLUSH;
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

export interface CompressionResult {
  id: string;
  title: string;
  ok: boolean;
  reasons: string[];
  ms: number;
  /** Bytes the server wrote after the handshake, and the uncompressed bytes they carried. */
  wireBytes: number;
  plainBytes: number;
}

/** Write `data`, flush with Z_SYNC_FLUSH, and collect what came out. */
function flushThrough(stream: zlib.DeflateRaw | zlib.InflateRaw, data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const take = (c: Buffer): void => { chunks.push(c); };
    stream.on("data", take);
    stream.once("error", reject);
    stream.write(data);
    stream.flush(SYNC, () => {
      stream.off("data", take);
      stream.off("error", reject);
      resolve(Buffer.concat(chunks));
    });
  });
}

class ServerCompressor {
  private stream: zlib.DeflateRaw | undefined;
  constructor(private readonly side: CompressionSide) {}

  async compress(data: Buffer): Promise<Buffer> {
    let out: Buffer;
    if (this.side.noContextTakeover) {
      out = zlib.deflateRawSync(data, { windowBits: this.side.windowBits, finishFlush: SYNC });
    } else {
      this.stream ??= zlib.createDeflateRaw({ windowBits: this.side.windowBits });
      out = await flushThrough(this.stream, data);
    }
    if (!out.subarray(out.length - 4).equals(TAIL)) throw new Error("server compressor output does not end in a sync flush");
    return out.subarray(0, out.length - 4);
  }

  close(): void {
    this.stream?.close();
  }
}

class EchoInflater {
  private stream: zlib.InflateRaw | undefined;
  constructor(private readonly side: CompressionSide) {}

  async inflate(payload: Bytes): Promise<Buffer> {
    const input = Buffer.concat([Buffer.from(payload), TAIL]);
    if (this.side.noContextTakeover) return zlib.inflateRawSync(input, { windowBits: this.side.windowBits, finishFlush: SYNC });
    this.stream ??= zlib.createInflateRaw({ windowBits: this.side.windowBits });
    return flushThrough(this.stream, input);
  }

  close(): void {
    this.stream?.close();
  }
}

function framesFor(c: CompressionCase, compressed: Buffer): Bytes[] {
  const opcode = isText(c.payload) ? OP.TEXT : OP.BINARY;
  if (!c.fragmentSize || compressed.length <= c.fragmentSize) return [frame(opcode, compressed, { rsv: 4 })];
  const out: Bytes[] = [];
  for (let at = 0; at < compressed.length; at += c.fragmentSize) {
    const last = at + c.fragmentSize >= compressed.length;
    out.push(frame(at === 0 ? opcode : OP.CONT, compressed.subarray(at, at + c.fragmentSize), { rsv: at === 0 ? 4 : 0, fin: last }));
  }
  return out;
}

async function script(c: CompressionCase, peer: Peer, reasons: string[], sent: { plain: number }): Promise<void> {
  const offer = peer.request.headers.get("sec-websocket-extensions");
  if (offer !== c.offer) reasons.push(`client offered "${String(offer)}", expected "${c.offer}"`);
  const compressor = new ServerCompressor(c.server);
  try {
    const BATCH = 32;
    for (let i = 0; i < c.count; i += BATCH) {
      const batch: Bytes[] = [];
      for (let j = i; j < Math.min(c.count, i + BATCH); j++) {
        const message = messageOf(c.payload, c.size, j);
        sent.plain += message.length;
        batch.push(...framesFor(c, await compressor.compress(message)));
      }
      if (!peer.open) return;
      await peer.send(concat(batch));
    }
  } finally {
    compressor.close();
  }
  const capMs = 30000;
  if (!await peer.waitForEchoes(c.count, capMs)) reasons.push(`only ${peer.echoes.length} of ${c.count} echoes arrived`);
  await peer.sendClose(close(1000));
  await peer.waitForClientClose(5000);
  peer.socket.end();
}

async function checkEchoes(c: CompressionCase, peer: Peer, reasons: string[]): Promise<void> {
  const inflater = new EchoInflater(c.client);
  const opcode = isText(c.payload) ? OP.TEXT : OP.BINARY;
  try {
    const echoes = peer.echoes;
    for (let i = 0; i < echoes.length && reasons.length < 5; i++) {
      const f = echoes[i];
      if (f.opcode !== opcode || !f.fin) { reasons.push(`echo ${i}: opcode ${f.opcode}, fin ${f.fin}; expected one frame of opcode ${opcode}`); continue; }
      if (f.rsv !== 4) { reasons.push(`echo ${i}: RSV bits ${f.rsv}; expected RSV1 (compressed, threshold 0)`); continue; }
      let plain: Buffer;
      try {
        plain = await inflater.inflate(f.payload);
      } catch (e) {
        reasons.push(`echo ${i} does not inflate under window ${c.client.windowBits}${c.client.noContextTakeover ? " without context takeover" : ""}: ${(e as Error).message}`);
        return;
      }
      if (!plain.equals(messageOf(c.payload, c.size, i))) reasons.push(`echo ${i} inflates to different bytes (${plain.length} bytes)`);
    }
  } finally {
    inflater.close();
  }
}

export async function runCompressionCase(c: CompressionCase): Promise<CompressionResult> {
  const started = Date.now();
  const reasons: string[] = [];
  const sent = { plain: 0 };
  const server = await ConformanceServer.start({ head: (accept) =>
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Extensions: ${c.answer}\r\n\r\n` },
  (peer) => script(c, peer, reasons, sent));
  const closes: { code: number; wasClean: boolean }[] = [];
  const errors: string[] = [];
  try {
    await new Promise<void>((resolve) => {
      const options: ClientOptions = { perMessageDeflate: { threshold: 0, ...c.clientOptions } };
      const client: Client = new Client({ ...nodeRuntime, platform: { ...nodeRuntime.platform, compression: nodeCompression } },
        `ws://127.0.0.1:${server.port}/`, options, {
          onMessage: (data, binary) => { client.send(data, binary); },
          onError: (e) => errors.push(`${e.code}: ${e.message}`),
          onClose: (code, _reason, wasClean) => { closes.push({ code, wasClean }); resolve(); },
        });
    });
    const record = server.records[0];
    if (record) {
      await record.closed;
      reasons.push(...record.problems);
      if (record.peer) await checkEchoes(c, record.peer, reasons);
    } else {
      reasons.push("the client never connected");
    }
  } finally {
    await server.stop();
  }
  if (errors.length) reasons.push(`client reported ${errors.join("; ")}`);
  if (closes.length !== 1 || closes[0].code !== 1000 || !closes[0].wasClean) reasons.push(`client closed ${JSON.stringify(closes)}; expected one clean 1000`);
  const peer = server.records[0]?.peer;
  return { id: c.id, title: c.title, ok: reasons.length === 0, reasons, ms: Date.now() - started, wireBytes: peer?.written ?? 0, plainBytes: sent.plain };
}
