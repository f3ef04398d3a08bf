/**
 * permessage-deflate on the XS engine: the core's transform, caps and UTF-8
 * checks run in the xsnap worker on the device runtime, with raw DEFLATE from
 * the simulator's bridge, against a real `ws` server and a hand-built bomb.
 */
import * as zlib from "node:zlib";
import type { WebSocketServer } from "ws";
import { frame } from "../support/frames";
import { startWsServer, type Started } from "../support/servers";
import { binaryOf, textOf } from "./deflate-client";
import { handBuiltServer } from "./hand-built-server";
import { startXsDeflate, type XsDeflate } from "./xs-deflate-simulator";

let xs: XsDeflate;
let server: Started<WebSocketServer>;
let nextId = 0;

beforeAll(async () => {
  xs = await startXsDeflate();
  server = await startWsServer({ perMessageDeflate: { threshold: 0, serverMaxWindowBits: 10 } });
});
afterAll(async () => {
  await server.close();
  await xs.stop();
});
afterEach(() => expect(xs.bridge.uncaught).toEqual([]));

async function open(url: string, options: object): Promise<number> {
  const id = nextId++;
  expect(await xs.call("open", [url, options])).toBe(id);
  return id;
}

test("echo at every size class, text and binary, compressed both ways", async () => {
  const id = await open(server.url, { perMessageDeflate: { threshold: 0 } });
  const opened = await xs.log(id).waitFor((e) => e.type === "open" || e.type === "close", "open");
  expect(opened).toMatchObject({ type: "open", extensions: "permessage-deflate; server_max_window_bits=10" });
  let seen = 0;
  for (const n of [0, 1, 125, 126, 65535, 65536, 256 * 1024]) {
    const text = textOf(n, n);
    await xs.call("send", [id, true], new TextEncoder().encode(text));
    const t = await xs.log(id).waitFor((e) => e.type === "message" && xs.log(id).events.filter((x) => x.type === "message").indexOf(e) === seen, `message ${seen}`);
    seen++;
    expect(t.data).toBe(text);
    const data = binaryOf(n, n % 2 === 0, n & 255);
    await xs.call("send", [id, false], data);
    const b = await xs.log(id).waitFor((e) => e.type === "message" && xs.log(id).events.filter((x) => x.type === "message").indexOf(e) === seen, `message ${seen}`);
    seen++;
    expect(b.binary).toBe(true);
    expect(Buffer.from(b.data as Uint8Array).equals(Buffer.from(data))).toBe(true);
  }
  expect(xs.compression.created).toBeGreaterThanOrEqual(2);
  await xs.call("close", [id]);
  expect(await xs.log(id).waitFor((e) => e.type === "close", "close")).toMatchObject({ code: 1000, wasClean: true });
});

test("a decompression bomb closes with 1009 on XS", async () => {
  const bomb = zlib.deflateRawSync(new Uint8Array(8 * 1024 * 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const hostile = await handBuiltServer("permessage-deflate", (socket) => socket.write(frame(2, bomb.subarray(0, bomb.length - 4), { rsv: 4 })));
  try {
    const id = await open(hostile.started.url, { perMessageDeflate: {}, maxMessageSize: 1024 * 1024 });
    const error = await xs.log(id).waitFor((e) => e.type === "error", "error");
    expect(error).toMatchObject({ code: "MESSAGE_TOO_BIG", closeCode: 1009 });
    expect(await xs.log(id).waitFor((e) => e.type === "close", "close")).toMatchObject({ code: 1009, wasClean: false });
    await hostile.socketClosed();
    const close = hostile.frames().find((f) => f.opcode === 8);
    expect(close?.payload.readUInt16BE(0)).toBe(1009);
  } finally {
    await hostile.started.close();
  }
});
