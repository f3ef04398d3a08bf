/** Autobahn 3.x (reserved bits) and 4.x (reserved opcodes): fail with 1002, nothing after the bad frame is processed. */
import type { ConformanceCase } from "../case";
import { echoText, protocolError } from "../expect";
import { binary, close, cont, frame, OP, ping, text } from "../wire";

function rsvLabel(rsv: number): string {
  return `RSV${rsv & 4 ? "1" : ""}${rsv & 2 ? "2" : ""}${rsv & 1 ? "3" : ""}`;
}
const rsvMessage = (rsv: number): RegExp => new RegExp(`reserved bits set \\(${rsvLabel(rsv)}\\) without a negotiated extension`);

const rsvCategory = "3 Reserved Bits";
const opCategory = "4 Opcodes";
const HELLO = "Hello, world!";

export const reservedBitCases: ConformanceCase[] = [
  { id: "3.1", category: rsvCategory, title: "text with RSV = 1", script: (p) => p.send(text(HELLO, { rsv: 1 })), expect: protocolError([], rsvMessage(1)) },
  {
    id: "3.2", category: rsvCategory, title: "text, then text with RSV = 2, then ping",
    script: (p) => p.send([text(HELLO), text(HELLO, { rsv: 2 }), ping(HELLO)]),
    expect: protocolError([echoText(HELLO)], rsvMessage(2)),
  },
  {
    id: "3.3", category: rsvCategory, title: "text, then text with RSV = 3, then ping, one byte per write",
    script: (p) => p.send([text(HELLO), text(HELLO, { rsv: 3 }), ping(HELLO)], { chop: 1 }),
    expect: protocolError([echoText(HELLO)], rsvMessage(3)),
  },
  {
    id: "3.4", category: rsvCategory, title: "text, then text with RSV = 4, then ping, one byte per write",
    script: (p) => p.send([text(HELLO), text(HELLO, { rsv: 4 }), ping(HELLO)], { chop: 1 }),
    expect: protocolError([echoText(HELLO)], rsvMessage(4)),
  },
  {
    id: "3.5", category: rsvCategory, title: "binary with RSV = 5",
    script: (p) => p.send(binary(new Uint8Array([0, 1, 2, 3]), { rsv: 5 })), expect: protocolError([], rsvMessage(5)),
  },
  { id: "3.6", category: rsvCategory, title: "ping with RSV = 6", script: (p) => p.send([frame(OP.PING, HELLO, { rsv: 6 })]), expect: protocolError([], rsvMessage(6)) },
  {
    id: "3.7", category: rsvCategory, title: "close with RSV = 7",
    script: async (p) => { const c = close(1000); c[0] |= 0x70; await p.send(c); },
    expect: protocolError([], rsvMessage(7)),
  },
  // Every combination on a continuation frame, with a ping queued behind it that must not be answered.
  ...[1, 2, 3, 4, 5, 6, 7].map((rsv): ConformanceCase => ({
    id: `3.8.${rsv}`, category: rsvCategory, title: `continuation frame with RSV = ${rsv}, then ping`,
    script: (p) => p.send([text("frag1", { fin: false }), cont("frag2", { rsv }), ping(HELLO)]),
    expect: protocolError([], rsvMessage(rsv)),
  })),
  // Every combination on a pong: control frames are checked too.
  ...[1, 2, 3, 4, 5, 6, 7].map((rsv): ConformanceCase => ({
    id: `3.9.${rsv}`, category: rsvCategory, title: `pong with RSV = ${rsv}, then text`,
    script: (p) => p.send([frame(OP.PONG, "x", { rsv }), text(HELLO)]),
    expect: protocolError([], rsvMessage(rsv)),
  })),
];

function opcodeCases(group: string, opcodes: number[]): ConformanceCase[] {
  const [a, b, c, d, e] = opcodes;
  const msg = (op: number): RegExp => new RegExp(`reserved opcode 0x${op.toString(16)}$`);
  const kind = a < 8 ? "data" : "control";
  return [
    { id: `${group}.1`, category: opCategory, title: `reserved ${kind} opcode ${a}`, script: (p) => p.send(frame(a)), expect: protocolError([], msg(a)) },
    { id: `${group}.2`, category: opCategory, title: `reserved ${kind} opcode ${b} with payload`, script: (p) => p.send(frame(b, "reserved opcode payload")), expect: protocolError([], msg(b)) },
    {
      id: `${group}.3`, category: opCategory, title: `text, reserved ${kind} opcode ${c}, ping`,
      script: (p) => p.send([text(HELLO), frame(c), ping(HELLO)]), expect: protocolError([echoText(HELLO)], msg(c)),
    },
    {
      id: `${group}.4`, category: opCategory, title: `text, reserved ${kind} opcode ${d} with payload, ping`,
      script: (p) => p.send([text(HELLO), frame(d, "reserved opcode payload"), ping(HELLO)]), expect: protocolError([echoText(HELLO)], msg(d)),
    },
    {
      id: `${group}.5`, category: opCategory, title: `text, reserved ${kind} opcode ${e} with payload, ping, one byte per write`,
      script: (p) => p.send([text(HELLO), frame(e, "reserved opcode payload"), ping(HELLO)], { chop: 1 }), expect: protocolError([echoText(HELLO)], msg(e)),
    },
  ];
}

export const opcodeCasesAll: ConformanceCase[] = [...opcodeCases("4.1", [3, 4, 5, 6, 7]), ...opcodeCases("4.2", [11, 12, 13, 14, 15])];
