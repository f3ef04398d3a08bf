/**
 * The server role reads masked frames: headers arrive whole or split
 * anywhere (the masking key too), control frames lie within one read or span
 * several. Whatever the cuts, the same events come out as for one read.
 */
import { createHash, randomFillSync } from "node:crypto";
import { ServerConnection } from "../../modules/core/server-connection";
import type { ConnectionEvents } from "../../modules/core/connection";
import { concat, frame, parseFrames } from "../support/frames";

const KEY_A = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
const KEY_B = new Uint8Array([0x01, 0x80, 0xff, 0x7e]);
const REQUEST = "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

type Event = [string, ...unknown[]];

/** Binary payloads compared by length and hash (a failing 70 KB message stays readable). */
const digest = (bytes: Uint8Array): string => `${bytes.length} bytes, sha1 ${createHash("sha1").update(bytes).digest("hex")}`;

function openServer(): { conn: ServerConnection; events: Event[]; written: Uint8Array[] } {
  const events: Event[] = [];
  const written: Uint8Array[] = [];
  const sink: ConnectionEvents = {
    onOutput: (bytes) => written.push(bytes.slice()),
    onEstablished: () => undefined,
    onMessage: (data, binary) => events.push(["message", typeof data === "string" ? data : digest(data), binary]),
    onFragment: () => undefined,
    onPing: (payload) => events.push(["ping", Buffer.from(payload).toString("hex")]),
    onPong: (payload) => events.push(["pong", Buffer.from(payload).toString("hex")]),
    onError: (error) => events.push(["error", error.message]),
    onStateChange: () => undefined,
    onShutdown: (graceful) => events.push(["shutdown", graceful]),
    onClosed: () => undefined,
  };
  const conn = new ServerConnection({ maxMessageSize: 1 << 20, maxFragments: 100, fragments: false, random: (b) => { randomFillSync(b); } }, {}, sink);
  conn.receive(new Uint8Array(Buffer.from(REQUEST, "latin1")));
  written.length = 0;
  return { conn, events, written };
}

function feed(original: Uint8Array, cuts: number[]): { events: Event[]; sent: string[] } {
  const { conn, events, written } = openServer();
  const stream = original.slice(); // the server role unmasks in place: reads belong to the receiver
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    conn.receive(stream.subarray(at, cut));
    at = cut;
  }
  const sent = written.flatMap((w) => parseFrames(w).frames.map((f) => `${f.opcode}:${f.payload.toString("hex")}`));
  return { events, sent };
}

const big = new Uint8Array(70000).map((_, i) => (i * 7) & 255);
const stream = concat(
  frame(1, "héllo", { mask: KEY_A }),
  frame(2, new Uint8Array(200).map((_, i) => i), { mask: KEY_B }),
  frame(1, "frag", { fin: false, mask: KEY_A }),
  frame(9, "ping within a fragmented message", { mask: KEY_B }),
  frame(0, "mented ✓", { mask: KEY_A }),
  frame(10, "", { mask: KEY_B }),
  frame(9, "x".repeat(125), { mask: KEY_A }),
  frame(8, new Uint8Array([0x03, 0xe8, 0x62, 0x79, 0x65]), { mask: KEY_B }),
);

test("masked frames give the same events and answers read whole, cut once anywhere, and one byte at a time", () => {
  const whole = feed(stream, []);
  expect(whole.events.slice(0, 3)).toEqual([
    ["message", "héllo", false],
    ["message", digest(new Uint8Array(200).map((_, i) => i)), true],
    ["ping", Buffer.from("ping within a fragmented message").toString("hex")],
  ]);
  expect(whole.events).toContainEqual(["message", "fragmented ✓", false]);
  expect(whole.sent).toEqual([
    `10:${Buffer.from("ping within a fragmented message").toString("hex")}`,
    `10:${Buffer.from("x".repeat(125)).toString("hex")}`,
    "8:03e8",
  ]);
  for (let cut = 1; cut < stream.length; cut++) expect(feed(stream, [cut])).toEqual(whole);
  expect(feed(stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1))).toEqual(whole);
});

test("a 64-bit-length masked frame read in reads of every size from 1 to 20 bytes", () => {
  const withBig = concat(frame(2, big, { mask: KEY_B }), frame(9, "after", { mask: KEY_A }));
  const whole = feed(withBig, []);
  expect(whole.events).toEqual([["message", digest(big), true], ["ping", Buffer.from("after").toString("hex")]]);
  for (let size = 1; size <= 20; size++) {
    const cuts: number[] = [];
    for (let at = size; at < 40; at += size) cuts.push(at); // the header and key split, then the rest in one read
    expect(feed(withBig, cuts)).toEqual(whole);
  }
});

test("an unmasked frame split after its first byte fails as soon as its second byte arrives", () => {
  const { conn, events } = openServer();
  const unmasked = frame(1, "no mask");
  conn.receive(unmasked.subarray(0, 1));
  expect(events).toEqual([]);
  conn.receive(unmasked.subarray(1, 2));
  expect(events).toEqual([["error", "frame from the client is not masked"], ["shutdown", true]]);
});
