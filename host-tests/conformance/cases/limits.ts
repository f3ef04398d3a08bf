/** Autobahn 9.x (limits and performance) and 10.1.1, plus the client's own size limits (1009). */
import type { ConformanceCase } from "../case";
import { closesNormally, echoBinary, echoText, fails, filler } from "../expect";
import { binary, concat, fragmented, OP, text } from "../wire";

const category = "9 Limits/Performance";
const KiB = 1024;
const MiB = 1024 * KiB;
const LARGE_CAP = 60000;

function sizeLabel(n: number): string {
  return n >= MiB ? `${n / MiB} MiB` : n >= KiB ? `${n / KiB} KiB` : `${n} bytes`;
}

const kinds = [{ name: "text", isText: true, op: OP.TEXT }, { name: "binary", isText: false, op: OP.BINARY }] as const;
const echoOf = (isText: boolean, p: Uint8Array) => (isText ? echoText(p) : echoBinary(p));

function oneFrame(): ConformanceCase[] {
  const sizes = [64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB, 8 * MiB, 16 * MiB];
  return kinds.flatMap((k, g) => sizes.map((n, i): ConformanceCase => ({
    id: `9.${g + 1}.${i + 1}`, category, title: `${k.name} message of ${sizeLabel(n)} in one frame`, capMs: LARGE_CAP,
    script: (p) => p.send(k.isText ? text(filler(n, true)) : binary(filler(n, false))),
    expect: closesNormally([echoOf(k.isText, filler(n, k.isText))]),
  })));
}

function fragmentedMessages(): ConformanceCase[] {
  const sizes = [64, 256, 1 * KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB];
  return kinds.flatMap((k, g) => sizes.map((n, i): ConformanceCase => ({
    id: `9.${g + 3}.${i + 1}`, category, title: `${k.name} message of 4 MiB in fragments of ${sizeLabel(n)}`, capMs: LARGE_CAP,
    script: (p) => p.send(concat(fragmented(k.op, filler(4 * MiB, k.isText), n))),
    expect: closesNormally([echoOf(k.isText, filler(4 * MiB, k.isText))]),
  })));
}

function chopped(): ConformanceCase[] {
  const chops = [64, 128, 256, 512, 1024, 2048];
  return kinds.flatMap((k, g) => chops.map((c, i): ConformanceCase => ({
    id: `9.${g + 5}.${i + 1}`, category, title: `${k.name} message of 1 MiB in one frame, written in chops of ${c} bytes`, capMs: LARGE_CAP,
    script: (p) => p.send(k.isText ? text(filler(MiB, true)) : binary(filler(MiB, false)), { chop: c, pause: "yield" }),
    expect: closesNormally([echoOf(k.isText, filler(MiB, k.isText))]),
  })));
}

function roundTrips(): ConformanceCase[] {
  const sizes = [0, 16, 64, 256, 1024, 4096];
  const count = 1000;
  return kinds.flatMap((k, g) => sizes.map((n, i): ConformanceCase => {
    const payloads = Array.from({ length: count }, (_, j) => {
      const p = filler(n, k.isText);
      if (n > 0) p[0] = 0x30 + (j % 10); // each message differs, so order is checked
      return p;
    });
    return {
      id: `9.${g + 7}.${i + 1}`, category, title: `${count} sequential round trips of ${k.name} messages of ${sizeLabel(n)}`, capMs: LARGE_CAP,
      script: async (p) => {
        for (let j = 0; j < count; j++) {
          await p.send(k.isText ? text(payloads[j]) : binary(payloads[j]));
          if (!(await p.waitForEchoes(j + 1, 5000))) return;
        }
      },
      expect: closesNormally(payloads.map((pl) => echoOf(k.isText, pl))),
    };
  }));
}

function ownLimits(): ConformanceCase[] {
  return [
    {
      id: "9.9.1", category, title: "message one byte over maxMessageSize fails with 1009 as soon as its header arrives",
      options: { maxMessageSize: 65536 },
      script: async (p) => {
        const f = binary(filler(65537, false));
        await p.send(f.subarray(0, 10));
        p.notes.set("failFast", await p.waitForClientClose(2000));
        await p.send(f.subarray(10));
      },
      expect: { ...fails([], 1009, "MESSAGE_TOO_BIG", /message of 65537 bytes exceeds the limit of 65536/), failFast: true },
    },
    {
      id: "9.9.2", category, title: "fragmented message growing past maxMessageSize fails with 1009",
      options: { maxMessageSize: 4096 },
      script: (p) => p.send(fragmented(OP.TEXT, filler(5000, true), 1000)),
      expect: fails([], 1009, "MESSAGE_TOO_BIG", /message of 5000 bytes exceeds the limit of 4096/),
    },
    {
      id: "9.9.3", category, title: "message with more fragments than maxFragments fails with 1009",
      options: { maxFragments: 4 },
      script: (p) => p.send(fragmented(OP.BINARY, filler(5, false), 1)),
      expect: fails([], 1009, "MESSAGE_TOO_BIG", /message has more than 4 fragments/),
    },
    {
      id: "9.9.4", category, title: "16 MiB + 1 byte (over the default limit) fails with 1009 at the header",
      script: async (p) => {
        const header = Uint8Array.from([0x82, 127, 0, 0, 0, 0, 0x01, 0, 0, 0x01]);
        await p.send(header);
        p.notes.set("failFast", await p.waitForClientClose(2000));
      },
      expect: { ...fails([], 1009, "MESSAGE_TOO_BIG", /message of 16777217 bytes exceeds the limit of 16777216/), failFast: true },
    },
    {
      id: "9.9.5", category, title: "exactly maxMessageSize is accepted",
      options: { maxMessageSize: 65536 },
      script: (p) => p.send(fragmented(OP.BINARY, filler(65536, false), 10000)),
      expect: closesNormally([echoBinary(filler(65536, false))]),
    },
  ];
}

export const limitCases: ConformanceCase[] = [...oneFrame(), ...fragmentedMessages(), ...chopped(), ...roundTrips(), ...ownLimits()];

export const autoFragmentCases: ConformanceCase[] = [
  {
    id: "10.1.1", category: "10 Auto-Fragmentation", title: "64 KiB text message in 1300-byte fragments", capMs: LARGE_CAP,
    script: (p) => p.send(fragmented(OP.TEXT, filler(65536, true), 1300)),
    expect: closesNormally([echoText(filler(65536, true))]),
  },
];
