/** Autobahn 2.x: pings and pongs. */
import type { ConformanceCase } from "../case";
import { closesNormally, pongOf, protocolError } from "../expect";
import { bytes, concat, ping, pong, utf8 } from "../wire";

const category = "2 Pings/Pongs";
const BIN = bytes(0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff);
const P125 = new Uint8Array(125).fill(0xfe);
const TEN = Array.from({ length: 10 }, (_, i) => utf8(`payload-${i}`));

export const pingCases: ConformanceCase[] = [
  { id: "2.1", category, title: "ping without payload", script: (p) => p.send(ping()), expect: closesNormally([pongOf()]) },
  { id: "2.2", category, title: "ping with small text payload", script: (p) => p.send(ping("Hello, world!")), expect: closesNormally([pongOf("Hello, world!")]) },
  { id: "2.3", category, title: "ping with small binary payload", script: (p) => p.send(ping(BIN)), expect: closesNormally([pongOf(BIN)]) },
  { id: "2.4", category, title: "ping with binary payload of 125 bytes", script: (p) => p.send(ping(P125)), expect: closesNormally([pongOf(P125)]) },
  {
    id: "2.5", category, title: "ping with binary payload of 126 bytes fails the connection",
    script: (p) => p.send(ping(new Uint8Array(126).fill(0xfe))),
    expect: protocolError([], /control frame payload longer than 125 bytes/),
  },
  { id: "2.6", category, title: "ping with 125-byte payload written one byte per write", script: (p) => p.send(ping(P125), { chop: 1 }), expect: closesNormally([pongOf(P125)]) },
  { id: "2.7", category, title: "unsolicited pong without payload is ignored", script: (p) => p.send(pong()), expect: closesNormally([]) },
  { id: "2.8", category, title: "unsolicited pong with payload is ignored", script: (p) => p.send(pong("unsolicited pong payload")), expect: closesNormally([]) },
  {
    id: "2.9", category, title: "unsolicited pong, then ping: only the ping is answered",
    script: (p) => p.send([pong("unsolicited pong payload"), ping("ping payload")]),
    expect: closesNormally([pongOf("ping payload")]),
  },
  {
    id: "2.10", category, title: "10 pings in one write are answered in order",
    open: "RFC 6455 5.5.3 allows answering only the most recent of several pings (NON-STRICT); this client answers every ping, in order.",
    script: (p) => p.send(concat(TEN.map((t) => ping(t)))),
    expect: closesNormally(TEN.map((t) => pongOf(t)), [[pongOf(TEN[9])]]),
  },
  {
    id: "2.11", category, title: "10 pings written one byte per write are answered in order",
    open: "As 2.10.",
    script: (p) => p.send(concat(TEN.map((t) => ping(t))), { chop: 1 }),
    expect: closesNormally(TEN.map((t) => pongOf(t)), [[pongOf(TEN[9])]]),
  },
];
