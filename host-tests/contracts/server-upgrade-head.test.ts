/**
 * A frame that arrives in the same TCP segment as the upgrade request is not
 * lost: Node's `upgrade` event hands it over as `head`, and the connection
 * reads it first, after accept() has set its handlers. Raw node:net clients
 * write the request and the frames in one write.
 */
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import type { ServerSocket } from "../../modules/api/server-socket";
import { createServer, upgrade, type Accept } from "../../node/server";
import { fibjsUpgrade } from "../../node/fibjs-upgrade";
import { concat, frame, parseFrames } from "../support/frames";
import { SAMPLE_KEY } from "../support/server-peers";

const REQUEST = `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${SAMPLE_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
const MASK = new Uint8Array([9, 8, 7, 6]);

type Entry = "upgrade" | "fibjs upgrade" | "createServer";

async function serve(entry: Entry, accept: Accept) {
  let server: net.Server;
  if (entry === "createServer") {
    server = createServer(accept);
  } else {
    const web = http.createServer((_req, res) => res.end("page"));
    web.on("upgrade", entry === "upgrade" ? upgrade(accept) : fibjsUpgrade((conn) => accept(conn as unknown as ServerSocket, conn.request!)));
    server = web;
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Writes `bytes` in one write, collects the answer until `frames` frames arrived after the 101. */
function exchange(port: number, bytes: Uint8Array, frames: number): Promise<{ head: string; frames: ReturnType<typeof parseFrames>["frames"] }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    let got = Buffer.alloc(0);
    socket.on("data", (d) => {
      got = Buffer.concat([got, d]);
      const end = got.indexOf("\r\n\r\n");
      if (end < 0) return;
      const parsed = parseFrames(got.subarray(end + 4)).frames;
      if (parsed.length < frames) return;
      socket.destroy();
      resolve({ head: got.subarray(0, end).toString("latin1"), frames: parsed });
    });
    socket.on("error", reject);
  });
}

const echo: Accept = (socket) => {
  socket.binaryType = "arraybuffer";
  socket.onmessage = (e) => socket.send(e.data);
};

describe.each<Entry>(["upgrade", "fibjs upgrade", "createServer"])("%s", (entry) => {
  test("a text frame in the same write as the request is echoed", async () => {
    const srv = await serve(entry, echo);
    const answer = await exchange(srv.port, concat(Buffer.from(REQUEST), frame(1, "in the same segment", { mask: MASK })), 1);
    expect(answer.head).toMatch(/^HTTP\/1.1 101 /);
    expect(answer.frames.map((f) => [f.opcode, f.payload.toString()])).toEqual([[1, "in the same segment"]]);
    await srv.close();
  });

  test("several frames and the start of another in that write, the rest later: all in order", async () => {
    const srv = await serve(entry, echo);
    const last = frame(2, new Uint8Array(300).fill(7), { mask: MASK });
    const first = concat(Buffer.from(REQUEST), frame(1, "one", { mask: MASK }), frame(1, "two", { mask: MASK }), last.subarray(0, 10));
    const answer = await new Promise<ReturnType<typeof parseFrames>["frames"]>((resolve, reject) => {
      const socket = net.connect(srv.port, "127.0.0.1", () => {
        socket.write(first);
        setTimeout(() => socket.write(last.subarray(10)), 50);
      });
      let got = Buffer.alloc(0);
      socket.on("data", (d) => {
        got = Buffer.concat([got, d]);
        const parsed = parseFrames(got.subarray(got.indexOf("\r\n\r\n") + 4)).frames;
        if (parsed.length === 3) { socket.destroy(); resolve(parsed); }
      });
      socket.on("error", reject);
    });
    expect(answer.map((f) => [f.opcode, f.payload.length === 300 ? "300 sevens" : f.payload.toString()])).toEqual([[1, "one"], [1, "two"], [2, "300 sevens"]]);
    await srv.close();
  });
});
