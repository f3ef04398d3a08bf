/**
 * A raw TCP server that accepts the opening handshake with a chosen
 * Sec-WebSocket-Extensions answer, then writes hand-built frames, and
 * records the frames the client sends back (unmasked).
 */
import { createHash } from "node:crypto";
import type { Socket } from "node:net";
import { frame, parseFrames, type ParsedFrame } from "../support/frames";
import { startRawServer, type Started } from "../support/servers";
import type * as net from "node:net";

export interface HandBuilt {
  started: Started<net.Server>;
  /** The client's offer, as it arrived. */
  offers: (string | undefined)[];
  /** Frames the client sent after the handshake. */
  frames(): ParsedFrame[];
  /** Resolves when the client's TCP connection has closed. */
  socketClosed(): Promise<void>;
}

export async function handBuiltServer(answer: string | undefined, script: (socket: Socket) => void): Promise<HandBuilt> {
  const offers: (string | undefined)[] = [];
  let received = Buffer.alloc(0);
  let closed!: () => void;
  const closedPromise = new Promise<void>((resolve) => { closed = resolve; });
  const started = await startRawServer((socket, request) => {
    const headers = new Map<string, string>();
    for (const line of request.split("\r\n").slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    offers.push(headers.get("sec-websocket-extensions"));
    const accept = createHash("sha1").update(headers.get("sec-websocket-key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    const head = request.indexOf("\r\n\r\n") + 4;
    received = Buffer.from(request.slice(head), "latin1");
    let answeredClose = false;
    socket.on("data", (d: Buffer) => {
      received = Buffer.concat([received, d]);
      // Answer the client's close frame with the same code, as a peer should.
      const close = parseFrames(received).frames.find((f) => f.opcode === 8);
      if (close && !answeredClose && !socket.destroyed) {
        answeredClose = true;
        socket.end(frame(8, close.payload.subarray(0, 2)));
      }
    });
    socket.on("close", () => closed());
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n` +
      (answer === undefined ? "" : `Sec-WebSocket-Extensions: ${answer}\r\n`) + "\r\n");
    script(socket);
  });
  return {
    started,
    offers,
    frames: () => parseFrames(received).frames,
    socketClosed: () => closedPromise,
  };
}
