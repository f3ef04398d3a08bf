/**
 * Property: any sequence of valid frames, split at any points (the 101
 * response included), decodes to the same messages, pings and pongs; pings
 * are answered in order.
 */
import fc from "fast-check";
import { OP, concat, frame } from "../conformance/wire";
import { openClient, splitAt, startClient, type CoreEvent } from "./sans-io";

type Control = { opcode: 9 | 10; payload: Uint8Array };
type Message = { binary: boolean; text: string; bytes: Uint8Array; sizes: number[]; controls: Control[][] };
type Item = { kind: "message"; m: Message } | { kind: "control"; c: Control };

const control: fc.Arbitrary<Control> = fc.record({
  opcode: fc.constantFrom(9 as const, 10 as const),
  payload: fc.uint8Array({ maxLength: 125 }),
});

const payload = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.boolean(), fc.string({ unit: "binary", maxLength: 80 }), fc.uint8Array({ maxLength: 300 })) },
  { weight: 1, arbitrary: fc.tuple(fc.boolean(), fc.integer({ min: 120, max: 70000 }).map((n) => "ü".repeat(n >> 1)), fc.integer({ min: 120, max: 70000 }).map((n) => new Uint8Array(n).fill(7))) },
);

const message: fc.Arbitrary<Message> = fc.tuple(payload, fc.array(fc.nat({ max: 64 }), { maxLength: 6 }), fc.array(fc.array(control, { maxLength: 2 }), { maxLength: 7 }))
  .map(([[binary, text, raw], sizes, controls]) => {
    const bytes = binary ? raw : new Uint8Array(Buffer.from(text, "utf8"));
    return { binary, text: binary ? "" : Buffer.from(bytes).toString("utf8"), bytes, sizes, controls };
  });

const items: fc.Arbitrary<Item[]> = fc.array(fc.oneof(
  { weight: 3, arbitrary: message.map((m): Item => ({ kind: "message", m })) },
  { weight: 1, arbitrary: control.map((c): Item => ({ kind: "control", c })) },
), { maxLength: 8 });

/** Wire bytes, the events a client must produce (non-streaming), and the pongs it must write. */
function encode(list: Item[]): { wire: Uint8Array; events: CoreEvent[]; pongs: Uint8Array[] } {
  const frames: Uint8Array[] = [];
  const events: CoreEvent[] = [];
  const pongs: Uint8Array[] = [];
  const addControl = (c: Control): void => {
    frames.push(frame(c.opcode, c.payload));
    if (c.opcode === OP.PING) { events.push({ type: "ping", payload: c.payload }); pongs.push(c.payload); }
    else events.push({ type: "pong", payload: c.payload });
  };
  for (const item of list) {
    if (item.kind === "control") { addControl(item.c); continue; }
    const { m } = item;
    // Fragment sizes as generated, the last fragment takes the rest.
    const pieces: Uint8Array[] = [];
    let at = 0;
    for (const s of m.sizes) { if (at + s > m.bytes.length) break; pieces.push(m.bytes.subarray(at, at + s)); at += s; }
    pieces.push(m.bytes.subarray(at));
    pieces.forEach((p, i) => {
      frames.push(frame(i === 0 ? (m.binary ? OP.BINARY : OP.TEXT) : OP.CONT, p, { fin: i === pieces.length - 1 }));
      if (i < pieces.length - 1) for (const c of m.controls[i] ?? []) addControl(c);
    });
    events.push(m.binary ? { type: "message", data: m.bytes, binary: true } : { type: "message", data: m.text, binary: false });
  }
  return { wire: concat(frames), events, pongs };
}

const normalise = (e: CoreEvent): unknown => ("data" in e && typeof e.data !== "string" ? { ...e, data: Buffer.from(e.data).toString("hex") }
  : "payload" in e ? { ...e, payload: Buffer.from(e.payload).toString("hex") } : e);

describe("valid frame sequences split anywhere", () => {
  test("decode to the same messages, with pings answered in order", () => {
    fc.assert(fc.property(items, fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (list, cuts, withHandshake) => {
      const { wire, events, pongs } = encode(list);
      const h = withHandshake ? startClient() : openClient();
      const stream = withHandshake ? concat([h.response, wire]) : wire;
      for (const piece of splitAt(stream, cuts.map((c) => c % (stream.length + 1)))) h.conn.receive(piece);
      const seen = h.events.filter((e) => e.type !== "open");
      expect(seen.map(normalise)).toEqual(events.map(normalise));
      expect(h.written.map((f) => [f.opcode, f.masked, Buffer.from(f.payload).toString("hex")]))
        .toEqual(pongs.map((p) => [OP.PONG, true, Buffer.from(p).toString("hex")]));
      expect(h.state()).toBe(1);
    }), { numRuns: 400 });
  });

  test("in streaming mode, parts join to the same messages and text parts end on character boundaries", () => {
    fc.assert(fc.property(items, fc.array(fc.nat(), { maxLength: 40 }), (list, cuts) => {
      const { wire, events } = encode(list);
      const h = openClient({ fragments: true });
      for (const piece of splitAt(wire, cuts.map((c) => c % (wire.length + 1)))) h.conn.receive(piece);
      const messages: CoreEvent[] = [];
      let text = "";
      let bin: Uint8Array[] = [];
      for (const e of h.events) {
        if (e.type !== "fragment") continue;
        // A text part cut inside a character would decode to U+FFFD and the joined text would differ.
        if (typeof e.data === "string") text += e.data;
        else bin.push(e.data);
        if (e.final) {
          messages.push(e.binary ? { type: "message", data: concat(bin), binary: true } : { type: "message", data: text, binary: false });
          text = ""; bin = [];
        }
      }
      expect(messages.map(normalise)).toEqual(events.filter((e) => e.type === "message").map(normalise));
      expect(h.events.filter((e) => e.type === "ping").length).toBe(events.filter((e) => e.type === "ping").length);
    }), { numRuns: 300 });
  });
});
