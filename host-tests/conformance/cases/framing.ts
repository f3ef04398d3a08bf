/** Autobahn 1.x: text and binary messages of every length encoding, whole and chopped; plus delivery variants. */
import type { ConformanceCase } from "../case";
import { closesNormally, echoBinary, echoText, filler } from "../expect";
import { binary, concat, frame, OP, ping, text } from "../wire";

const LENGTHS = [0, 125, 126, 127, 128, 65535, 65536];

function lengthCases(group: string, binaryMessages: boolean): ConformanceCase[] {
  const category = "1 Framing";
  const kind = binaryMessages ? "binary" : "text";
  const make = (n: number): Uint8Array => filler(n, !binaryMessages);
  const send = (p: Uint8Array): Uint8Array => (binaryMessages ? binary(p) : text(p));
  const echo = binaryMessages ? echoBinary : echoText;
  const cases: ConformanceCase[] = LENGTHS.map((n, i) => ({
    id: `${group}.${i + 1}`, category, title: `${kind} message of ${n} bytes`,
    script: async (peer) => { await peer.send(send(make(n))); },
    expect: closesNormally([echo(make(n))]),
  }));
  cases.push({
    id: `${group}.8`, category, title: `${kind} message of 65536 bytes written in chops of 997 bytes`,
    script: async (peer) => { await peer.send(send(make(65536)), { chop: 997 }); },
    expect: closesNormally([echo(make(65536))]),
  });
  return cases;
}

/** Every length encoding (7-bit, 16-bit, 64-bit) with the header split at every byte boundary. */
function choppedCases(): ConformanceCase[] {
  const category = "1 Framing";
  const small = [0, 1, 125, 126, 127, 128, 1000];
  const cases: ConformanceCase[] = small.map((n, i) => ({
    id: `1.3.${i + 1}`, category, title: `binary message of ${n} bytes written one byte per write`,
    script: async (peer) => { await peer.send(binary(filler(n, false)), { chop: 1 }); },
    expect: closesNormally([echoBinary(filler(n, false))]),
  }));
  for (const [j, n] of [65535, 65536].entries()) {
    cases.push({
      id: `1.3.${small.length + j + 1}`, category, title: `text message of ${n} bytes: header one byte per write, payload in chops of 61`,
      script: async (peer) => {
        const f = text(filler(n, true));
        const headerLength = n < 65536 ? 4 : 10;
        await peer.send(f.subarray(0, headerLength), { chop: 1 });
        await peer.send(f.subarray(headerLength), { chop: 61 });
      },
      expect: closesNormally([echoText(filler(n, true))]),
    });
  }
  return cases;
}

function deliveryCases(): ConformanceCase[] {
  const category = "1 Framing";
  const mixed = [0, 5, 125, 126, 127, 65535, 65536].map((n, i) => (i % 2 ? filler(n, false) : filler(n, true)));
  const frames = mixed.map((p, i) => (i % 2 ? binary(p) : text(p)));
  const echoes = mixed.map((p, i) => (i % 2 ? echoBinary(p) : echoText(p)));
  return [
    {
      id: "1.4.1", category, title: "seven messages of every length encoding in one write",
      script: async (peer) => { await peer.send(frames); },
      expect: closesNormally(echoes),
    },
    {
      id: "1.4.2", category, title: "frames in the same write as the 101 response",
      handshake: { withResponse: concat([text("first"), ping("p"), binary(new Uint8Array([1, 2, 3]))]) },
      script: async () => { /* everything went with the handshake */ },
      expect: closesNormally([echoText("first"), { opcode: OP.PONG, payload: new TextEncoder().encode("p") }, echoBinary(new Uint8Array([1, 2, 3]))]),
    },
    {
      id: "1.4.3", category, title: "every frame written one byte per write, with pauses between frames",
      script: async (peer) => {
        for (const f of frames.slice(0, 5)) { await peer.send(f, { chop: f.length > 200 ? 13 : 1 }); await peer.sleep(20); }
      },
      expect: closesNormally(echoes.slice(0, 5)),
    },
    {
      id: "1.4.4", category, title: "a message whose payload is split across writes with pauses",
      script: async (peer) => {
        const f = frame(OP.TEXT, filler(3000, true));
        await peer.send(f.subarray(0, 1000)); await peer.sleep(50);
        await peer.send(f.subarray(1000, 2000)); await peer.sleep(50);
        await peer.send(f.subarray(2000));
      },
      expect: closesNormally([echoText(filler(3000, true))]),
    },
  ];
}

/** A frame whose length uses a longer encoding than needed. */
function nonMinimal(payload: Uint8Array, bits: 16 | 64): Uint8Array {
  const head = bits === 16 ? [0x82, 126, payload.length >> 8, payload.length & 0xff] : [0x82, 127, 0, 0, 0, 0, 0, 0, payload.length >> 8, payload.length & 0xff];
  return concat([Uint8Array.from(head), payload]);
}

const NON_MINIMAL = "RFC 6455 5.2 says the minimal length encoding MUST be used by the sender but does not tell the receiver to refuse a longer one; this client accepts it (as ws and Python websockets do). The client itself always sends the minimal encoding (checked in every case).";

function nonMinimalCases(): ConformanceCase[] {
  const category = "1 Framing";
  return [
    {
      id: "1.5.1", category, title: "5-byte payload with a 16-bit length", open: NON_MINIMAL,
      script: (p) => p.send(nonMinimal(filler(5, false), 16)), expect: closesNormally([echoBinary(filler(5, false))]),
    },
    {
      id: "1.5.2", category, title: "200-byte payload with a 64-bit length", open: NON_MINIMAL,
      script: (p) => p.send(nonMinimal(filler(200, false), 64)), expect: closesNormally([echoBinary(filler(200, false))]),
    },
  ];
}

export const framingCases: ConformanceCase[] = [
  ...lengthCases("1.1", false),
  ...lengthCases("1.2", true),
  ...choppedCases(),
  ...deliveryCases(),
  ...nonMinimalCases(),
];
