/** Autobahn 5.x: fragmentation, interleaved control frames, and the illegal sequences. */
import type { ConformanceCase } from "../case";
import { closesNormally, echoBinary, echoText, pongOf, protocolError } from "../expect";
import { binary, cont, frame, OP, ping, text, type Bytes } from "../wire";
import type { Peer } from "../test-server";

const category = "5 Fragmentation";
const CONT_WITHOUT_START = /continuation frame without a message to continue/;
const NESTED = /new data frame inside a fragmented message/;
const FRAGMENTED_CONTROL = /fragmented control frame/;

type Mode = "one write" | "per frame" | "per byte";
function sendAs(mode: Mode, frames: Bytes[]): (p: Peer) => Promise<void> {
  return async (p) => {
    if (mode === "one write") await p.send(frames);
    else if (mode === "per frame") for (const f of frames) { await p.send(f); await p.sleep(5); }
    else await p.send(frames, { chop: 1 });
  };
}
const MODES: Mode[] = ["one write", "per frame", "per byte"];

function threeWays(first: number, title: string, frames: Bytes[], expect: ConformanceCase["expect"]): ConformanceCase[] {
  return MODES.map((mode, i) => ({ id: `5.${first + i}`, category, title: `${title} (${mode})`, script: sendAs(mode, frames), expect }));
}

const fragmentsWithPings = [text("fragment1", { fin: false }), ping("ping1"), cont("fragment2", { fin: false }), cont("fragment3", { fin: false }),
  ping("ping2"), cont("fragment4", { fin: false }), cont("fragment5")];

export const fragmentationCases: ConformanceCase[] = [
  { id: "5.1", category, title: "ping in 2 fragments", script: (p) => p.send([frame(OP.PING, "fragment1", { fin: false }), cont("fragment2")]), expect: protocolError([], FRAGMENTED_CONTROL) },
  { id: "5.2", category, title: "pong in 2 fragments", script: (p) => p.send([frame(OP.PONG, "fragment1", { fin: false }), cont("fragment2")]), expect: protocolError([], FRAGMENTED_CONTROL) },
  ...threeWays(3, "text in 2 fragments", [text("fragment1", { fin: false }), cont("fragment2")], closesNormally([echoText("fragment1fragment2")])),
  ...threeWays(6, "text in 2 fragments with a ping in between", [text("fragment1", { fin: false }), ping("pongme 2!"), cont("fragment2")],
    closesNormally([pongOf("pongme 2!"), echoText("fragment1fragment2")])),
  ...threeWays(9, "continuation (FIN) with nothing to continue, then text", [cont("non-continuation payload"), text("Hello, world!")],
    protocolError([], CONT_WITHOUT_START)),
  ...threeWays(12, "continuation (no FIN) with nothing to continue, then text", [cont("non-continuation payload", { fin: false }), text("Hello, world!")],
    protocolError([], CONT_WITHOUT_START)),
  {
    id: "5.15", category, title: "text in 2 fragments, then continuation (no FIN) with nothing to continue, then text",
    script: (p) => p.send([text("fragment1", { fin: false }), cont("fragment2"), cont("fragment3", { fin: false }), text("fragment4")]),
    expect: protocolError([echoText("fragment1fragment2")], CONT_WITHOUT_START),
  },
  {
    id: "5.16", category, title: "2x: continuation (no FIN) with nothing to continue, then text in 2 fragments",
    script: (p) => p.send([0, 1].flatMap(() => [cont("fragment1", { fin: false }), text("fragment2", { fin: false }), cont("fragment3")])),
    expect: protocolError([], CONT_WITHOUT_START),
  },
  {
    id: "5.17", category, title: "2x: continuation (FIN) with nothing to continue, then text in 2 fragments",
    script: (p) => p.send([0, 1].flatMap(() => [cont("fragment1"), text("fragment2", { fin: false }), cont("fragment3")])),
    expect: protocolError([], CONT_WITHOUT_START),
  },
  {
    id: "5.18", category, title: "text in 2 fragments, both with opcode text (nested start)",
    script: (p) => p.send([text("fragment1", { fin: false }), text("fragment2")]),
    expect: protocolError([], NESTED),
  },
  {
    id: "5.19", category, title: "text in 5 fragments with pauses, pings in between",
    script: async (p) => {
      for (const f of fragmentsWithPings) { await p.send(f); await p.sleep(40); }
    },
    expect: closesNormally([pongOf("ping1"), pongOf("ping2"), echoText("fragment1fragment2fragment3fragment4fragment5")]),
  },
  {
    id: "5.20", category, title: "text in 5 fragments with pauses, pings in between, one byte per write",
    script: async (p) => {
      for (const f of fragmentsWithPings) { await p.send(f, { chop: 1 }); await p.sleep(20); }
    },
    expect: closesNormally([pongOf("ping1"), pongOf("ping2"), echoText("fragment1fragment2fragment3fragment4fragment5")]),
  },
  // Beyond Autobahn: binary fragmentation, empty fragments, a nested start of the other type, a close inside a message.
  {
    id: "5.21", category, title: "binary in 3 fragments, the middle one empty",
    script: (p) => p.send([binary(new Uint8Array([1, 2]), { fin: false }), cont(new Uint8Array(0), { fin: false }), cont(new Uint8Array([3]))]),
    expect: closesNormally([echoBinary(new Uint8Array([1, 2, 3]))]),
  },
  {
    id: "5.22", category, title: "text fragment, then binary start (nested start of another type)",
    script: (p) => p.send([text("fragment1", { fin: false }), binary(new Uint8Array([1]))]),
    expect: protocolError([], NESTED),
  },
  {
    id: "5.23", category, title: "two fragmented messages back to back, each with a ping inside",
    script: (p) => p.send([binary(new Uint8Array([9]), { fin: false }), ping("a"), cont(new Uint8Array([8])),
      text("x", { fin: false }), ping("b"), cont("y")]),
    expect: closesNormally([pongOf("a"), echoBinary(new Uint8Array([9, 8])), pongOf("b"), echoText("xy")]),
  },
];
