/**
 * Hand-built compressed frames from a raw server: RFC 7692's own examples,
 * decompression bombs (1009 before the cap is passed), invalid DEFLATE data,
 * RSV1 where it is not allowed, invalid UTF-8 that only shows after
 * inflating, and server answers the strict negotiation refuses.
 */
import * as zlib from "node:zlib";
import { closeFrame, frame } from "../support/frames";
import { openClient, type TestClient } from "./deflate-client";
import { handBuiltServer, type HandBuilt } from "./hand-built-server";
import type { ClientOptions } from "../../node/index";

const TEXT = 1, BINARY = 2, CONT = 0;
const RSV1 = 4;

/** Raw DEFLATE of `data` flushed with an empty stored block, whose 0x00 0x00 0xff 0xff is removed (RFC 7692 7.2.1). */
function deflated(data: Uint8Array, options: zlib.ZlibOptions = {}): Buffer {
  const out = zlib.deflateRawSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH, ...options });
  return out.subarray(0, out.length - 4);
}

const servers: HandBuilt[] = [];
afterEach(async () => { for (const s of servers.splice(0)) await s.started.close(); });

async function connect(answer: string | undefined, script: (socket: import("node:net").Socket) => void, options: ClientOptions = { perMessageDeflate: {} }): Promise<{ server: HandBuilt; client: TestClient }> {
  const server = await handBuiltServer(answer, script);
  servers.push(server);
  const client = openClient(server.started.url, options);
  return { server, client };
}

function closeCodeSent(server: HandBuilt): number | undefined {
  const close = server.frames().find((f) => f.opcode === 8);
  return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
}

describe("RFC 7692 7.2.3 examples", () => {
  test("'Hello' compressed, then again with context takeover (a back-reference into the first)", async () => {
    const { client } = await connect("permessage-deflate", (socket) => {
      socket.write(frame(TEXT, Uint8Array.from([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]), { rsv: RSV1 }));
      socket.write(frame(TEXT, Uint8Array.from([0xf2, 0x00, 0x11, 0x00, 0x00]), { rsv: RSV1 }));
    });
    expect((await client.next()).data).toBe("Hello");
    expect((await client.next()).data).toBe("Hello");
    client.client.close(1000);
    await client.closed;
  });

  test("'Hello' in a stored (uncompressed) DEFLATE block, and with BFINAL set", async () => {
    const { client } = await connect("permessage-deflate; server_no_context_takeover", (socket) => {
      socket.write(frame(TEXT, Uint8Array.from([0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00]), { rsv: RSV1 }));
      socket.write(frame(TEXT, Uint8Array.from([0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]), { rsv: RSV1 }));
    });
    expect((await client.next()).data).toBe("Hello");
    expect((await client.next()).data).toBe("Hello");
    client.client.close(1000);
    await client.closed;
  });

  test("'Hello' compressed and fragmented: RSV1 on the first frame only", async () => {
    const { client } = await connect("permessage-deflate", (socket) => {
      socket.write(frame(TEXT, Uint8Array.from([0xf2, 0x48, 0xcd]), { rsv: RSV1, fin: false }));
      socket.write(frame(CONT, Uint8Array.from([0xc9, 0xc9, 0x07, 0x00])));
      socket.write(frame(BINARY, new Uint8Array(0), { rsv: RSV1 })); // an empty compressed message is also allowed
      socket.write(frame(BINARY, Uint8Array.from([0x00]), { rsv: RSV1 }));
    });
    expect((await client.next()).data).toBe("Hello");
    for (let i = 0; i < 2; i++) {
      const m = await client.next();
      expect(m.binary).toBe(true);
      expect((m.data as Uint8Array).length).toBe(0);
    }
    client.client.close(1000);
    await client.closed;
  });
});

describe("decompression bombs close with 1009", () => {
  const MAX = 1024 * 1024;

  test("one 8 KiB frame that inflates to 8 MiB, with maxMessageSize 1 MiB", async () => {
    const bomb = deflated(new Uint8Array(8 * MAX));
    expect(bomb.length).toBeLessThan(MAX / 64);
    const { server, client } = await connect("permessage-deflate", (socket) => socket.write(frame(BINARY, bomb, { rsv: RSV1 })),
      { perMessageDeflate: {}, maxMessageSize: MAX });
    const closed = await client.closed;
    expect(client.errors.map((e) => [e.code, e.closeCode])).toEqual([["MESSAGE_TOO_BIG", 1009]]);
    expect(client.errors[0].message).toMatch(/inflated message exceeds the limit of 1048576 bytes/);
    expect(closed).toMatchObject({ code: 1009, wasClean: false });
    await server.socketClosed();
    expect(closeCodeSent(server)).toBe(1009);
  });

  test("a bomb spread over 40 continuation frames, each small", async () => {
    const stream = zlib.createDeflateRaw();
    const pieces: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      stream.write(new Uint8Array(64 * 1024));
      pieces.push(await new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        const take = (c: Buffer): void => { chunks.push(c); };
        stream.on("data", take);
        stream.flush(zlib.constants.Z_SYNC_FLUSH, () => { stream.off("data", take); resolve(Buffer.concat(chunks)); });
      }));
    }
    stream.close();
    const { server, client } = await connect("permessage-deflate", (socket) => {
      pieces.forEach((p, i) => socket.write(frame(i === 0 ? TEXT : CONT, p, { rsv: i === 0 ? RSV1 : 0, fin: i === pieces.length - 1 })));
    }, { perMessageDeflate: {}, maxMessageSize: MAX });
    const closed = await client.closed;
    expect(client.errors.map((e) => e.code)).toEqual(["MESSAGE_TOO_BIG"]);
    expect(closed.code).toBe(1009);
    await server.socketClosed();
    expect(closeCodeSent(server)).toBe(1009);
  });

  test("the same in streaming mode (fragments: true): no part is delivered", async () => {
    const bomb = deflated(new Uint8Array(4 * MAX));
    const { client } = await connect("permessage-deflate", (socket) => socket.write(frame(BINARY, bomb, { rsv: RSV1 })),
      { perMessageDeflate: {}, maxMessageSize: MAX, fragments: true });
    expect((await client.closed).code).toBe(1009);
    expect(client.fragments).toEqual([]);
  });

  test("exactly maxMessageSize inflated is still delivered", async () => {
    const data = new Uint8Array(MAX).fill(7);
    const { client } = await connect("permessage-deflate", (socket) => socket.write(frame(BINARY, deflated(data), { rsv: RSV1 })),
      { perMessageDeflate: {}, maxMessageSize: MAX });
    const m = await client.next();
    expect(Buffer.from(m.data as Uint8Array).equals(Buffer.from(data))).toBe(true);
    client.client.close(1000);
    expect((await client.closed).wasClean).toBe(true);
  });
});

describe("bad compressed data", () => {
  test("bytes that are not DEFLATE close with 1007", async () => {
    const { server, client } = await connect("permessage-deflate", (socket) => socket.write(frame(BINARY, Uint8Array.from([0xff, 0xff, 0xff, 0xff]), { rsv: RSV1 })));
    expect((await client.closed).code).toBe(1007);
    expect(client.errors[0].message).toMatch(/not valid DEFLATE data/);
    await server.socketClosed();
    expect(closeCodeSent(server)).toBe(1007);
  });

  test("text that is invalid UTF-8 once inflated closes with 1007", async () => {
    const { client } = await connect("permessage-deflate", (socket) => socket.write(frame(TEXT, deflated(Uint8Array.from([0x48, 0xc3, 0x28])), { rsv: RSV1 })));
    expect((await client.closed).code).toBe(1007);
    expect(client.errors.map((e) => e.code)).toEqual(["INVALID_UTF8"]);
  });

  test("streaming text split inside a character by the compressor still arrives whole", async () => {
    const text = "κόσμε".repeat(2000);
    const bytes = Buffer.from(text);
    const { client } = await connect("permessage-deflate", (socket) => {
      const z = deflated(bytes);
      socket.write(frame(TEXT, z.subarray(0, 10), { rsv: RSV1, fin: false }));
      socket.write(frame(CONT, z.subarray(10)));
    }, { perMessageDeflate: {}, fragments: true });
    expect((await client.next()).data).toBe(text);
    client.client.close(1000);
    await client.closed;
  });

  test("RSV1 on a continuation frame closes with 1002", async () => {
    const { client } = await connect("permessage-deflate", (socket) => {
      socket.write(frame(TEXT, deflated(Buffer.from("ab")), { rsv: RSV1, fin: false }));
      socket.write(frame(CONT, new Uint8Array(0), { rsv: RSV1 }));
    });
    expect((await client.closed).code).toBe(1002);
    expect(client.errors[0].message).toMatch(/RSV1/);
  });

  test("RSV1 on a ping closes with 1002", async () => {
    const { client } = await connect("permessage-deflate", (socket) => socket.write(frame(9, new Uint8Array(0), { rsv: RSV1 })));
    expect((await client.closed).code).toBe(1002);
  });

  test("RSV1 when the server declined the extension closes with 1002", async () => {
    const { client } = await connect(undefined, (socket) => socket.write(frame(TEXT, deflated(Buffer.from("Hello")), { rsv: RSV1 })));
    await client.opened;
    expect(client.extensions).toBe("");
    expect((await client.closed).code).toBe(1002);
  });

  test("uncompressed messages (RSV1 clear) are fine on a compressed connection", async () => {
    const { client } = await connect("permessage-deflate", (socket) => {
      socket.write(frame(TEXT, "plain"));
      socket.write(closeFrame(1000));
    });
    expect((await client.next()).data).toBe("plain");
    expect((await client.closed).code).toBe(1000);
  });
});

describe("answers the strict negotiation refuses", () => {
  test.each<[string, ClientOptions["perMessageDeflate"], RegExp]>([
    ["permessage-deflate; client_max_window_bits=10", { clientMaxWindowBits: false }, /client_max_window_bits was not offered/],
    ["permessage-deflate; server_max_window_bits=7", {}, /server_max_window_bits" must be 8-15 \(got "7"\)/],
    ["permessage-deflate; mystery", {}, /unknown parameter "mystery"/],
    ["permessage-deflate; server_no_context_takeover; server_no_context_takeover", {}, /appears twice/],
    ["permessage-deflate, permessage-deflate", {}, /accepted more than once/],
    ["x-webkit-deflate-frame", {}, /"x-webkit-deflate-frame" was not offered/],
    ["permessage-deflate", undefined, /which we did not offer/],
  ])("answer %s (offer %j) fails the handshake", async (answer, deflate, message) => {
    const { server, client } = await connect(answer, () => undefined, deflate === undefined ? {} : { perMessageDeflate: deflate });
    const closed = await client.closed;
    expect(client.errors.map((e) => e.code)).toEqual(["HANDSHAKE_FAILED"]);
    expect(client.errors[0].message).toMatch(message);
    expect(closed).toMatchObject({ code: 1006, wasClean: false });
    expect(server.offers[0]).toEqual(deflate === undefined ? undefined : expect.stringMatching(/^permessage-deflate/));
    expect(server.frames()).toEqual([]);
  });

  test("perMessageDeflate on a platform without a compression provider throws at construction", async () => {
    const { Client, nodeRuntime } = await import("../../node/index");
    expect(() => new Client(nodeRuntime.platform.compression ? { ...nodeRuntime, platform: { ...nodeRuntime.platform, compression: undefined } } : nodeRuntime,
      "ws://127.0.0.1:1", { perMessageDeflate: {} }, {})).toThrow(/compression provider/);
  });
});

describe("the wire size of a compressed message", () => {
  test("an incompressible message of exactly maxMessageSize, a little larger once compressed, is delivered", async () => {
    const data = new Uint8Array(64 * 1024);
    let x = 12345;
    for (let i = 0; i < data.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; data[i] = x >>> 24; }
    const compressed = deflated(data, { level: 9 });
    expect(compressed.length).toBeGreaterThan(data.length);
    const { client } = await connect("permessage-deflate", (socket) => socket.write(frame(BINARY, compressed, { rsv: RSV1 })),
      { perMessageDeflate: {}, maxMessageSize: data.length });
    const m = await client.next();
    expect(Buffer.from(m.data as Uint8Array).equals(Buffer.from(data))).toBe(true);
    client.client.close(1000);
    expect((await client.closed).wasClean).toBe(true);
  });

  test("compressed bytes far over the limit fail at the frame header, before inflating", async () => {
    const { client } = await connect("permessage-deflate", (socket) => socket.write(frame(BINARY, new Uint8Array(4096), { rsv: RSV1 }).subarray(0, 8)),
      { perMessageDeflate: {}, maxMessageSize: 1000 });
    expect((await client.closed).code).toBe(1009);
    expect(client.errors[0].message).toMatch(/compressed message of 4096 bytes exceeds the limit of 2024/);
  });
});
