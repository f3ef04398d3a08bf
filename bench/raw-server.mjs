// The two client-only peers, in one process on 127.0.0.1, plain TCP with a
// hand-written opening handshake so the server costs next to nothing:
//   /blast?size=N&count=M&text=0|1  after the client's first frame, write M
//       pre-built unmasked frames of N payload bytes (receive + decode speed);
//   /sink?bytes=N  discard what the client sends; after N bytes of frames,
//       send one text frame "done" (encode + mask speed).
// Prints {"port":N} once listening; exits when its stdin closes.
import { createHash } from "node:crypto";
import net from "node:net";
import { multiByteText, pattern } from "./workloads.mjs";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const BATCH_BYTES = 256 * 1024;

function frameHeader(opcode, length) {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 65536) return Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  const h = Buffer.alloc(10);
  h[0] = 0x80 | opcode;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** A buffer of whole frames, about BATCH_BYTES long, and how many frames it holds. */
function batchOf(size, text) {
  const payload = text ? Buffer.from(multiByteText(size)) : Buffer.from(pattern(size));
  const frame = Buffer.concat([frameHeader(text ? 1 : 2, payload.length), payload]);
  const frames = Math.max(1, Math.floor(BATCH_BYTES / frame.length));
  return { batch: Buffer.concat(Array(frames).fill(frame)), frames, frameBytes: frame.length };
}

const batches = new Map();

function drained(socket) {
  return new Promise((resolve) => {
    const done = () => { socket.off("drain", done); socket.off("close", done); resolve(); };
    socket.on("drain", done);
    socket.on("close", done);
  });
}

async function blast(socket, size, count, text) {
  const key = `${size}/${text}`;
  if (!batches.has(key)) batches.set(key, batchOf(size, text));
  const { batch, frames, frameBytes } = batches.get(key);
  let left = count;
  while (left > 0 && !socket.destroyed) {
    const n = Math.min(left, frames);
    const ok = socket.write(n === frames ? batch : batch.subarray(0, n * frameBytes));
    left -= n;
    if (!ok) await drained(socket);
  }
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on("error", () => {});
  let head = Buffer.alloc(0);
  let mode = null;
  let counted = 0;
  let expected = 0;
  let started = false;
  socket.on("data", (chunk) => {
    if (mode === null) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      const request = head.subarray(0, end).toString("latin1");
      const rest = head.subarray(end + 4);
      const target = new URL(request.split(" ")[1], "http://127.0.0.1");
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(request)?.[1] ?? "";
      const accept = createHash("sha1").update(key + GUID).digest("base64");
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      mode = target.pathname.slice(1);
      if (mode === "sink") expected = Number(target.searchParams.get("bytes"));
      else {
        mode = "blast";
        socket.blastArgs = [Number(target.searchParams.get("size")), Number(target.searchParams.get("count")), target.searchParams.get("text") === "1"];
      }
      chunk = rest;
      if (chunk.length === 0) return;
    }
    if (mode === "blast") {
      // The client's first frame says "go"; anything after it (its close frame) ends the connection.
      if (!started) { started = true; void blast(socket, ...socket.blastArgs); } else socket.end();
      return;
    }
    counted += chunk.length;
    if (counted >= expected && expected > 0) {
      expected = 0;
      socket.write(Buffer.from([0x81, 4, 0x64, 0x6f, 0x6e, 0x65])); // "done"
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
