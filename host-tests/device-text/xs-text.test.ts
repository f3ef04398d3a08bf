/**
 * UTF-8 text on the XS engine as a device runs it (issue 20 §1):
 * - the Moddable platform's codecs (ArrayBuffer.fromString / String.fromArrayBuffer
 *   as every Moddable build has them, simulator/shims/text.ts) and the
 *   pure-TypeScript fallbacks give the bytes and strings Node gives, lone
 *   surrogates as U+FFFD, a leading U+FEFF kept;
 * - which path runs is decided at each call, not when the platform is made;
 * - time per byte is flat from 1 KiB to 64 KiB for every path (a ratio of
 *   costs measured in the same run, not a time limit).
 */
import { DeviceCallError, XsSimulator } from "../../simulator/simulator";
import { TEXT_DEVICE_ENTRY, TextCostProbe, type TextCost, type TextKind, type TextNatives, type TextOp } from "./text-cost";

const SAMPLES: readonly string[] = [
  "",
  "plain ASCII",
  "é€😀\u{10FFFF}",
  "\u0000nul\u0000",
  "\uFEFFleading byte order mark",
  "lone high \uD800 here",
  "lone low \uDC00",
  "ends with a high \uD83D",
  "swapped \uDE00\uD83D pair",
  "Grüße, κόσμε — €5 😀 日本語のテキスト; ok!.".repeat(40), // 2560 bytes: pairs cross every 128-unit piece of the decoder
];

const codePointsOf = (text: string): number[] => Array.from(text, (ch) => ch.codePointAt(0)!);

describe("UTF-8 on the XS engine: the same bytes and text as Node on every path", () => {
  let sim: XsSimulator;
  beforeAll(async () => {
    sim = await XsSimulator.start(TEXT_DEVICE_ENTRY);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const encode = async (path: string, text: string) => Buffer.from((await sim.call("encode", [path, text])).bytes ?? []);
  const decode = async (path: string, bytes: Uint8Array) => (await sim.call("decode", [path], bytes)).result as { codePoints: number[]; length: number };

  test.each<[TextNatives, string]>([
    ["all", "platform"],
    ["no-isWellFormed", "platform"],
    ["none", "platform"],
    ["all", "fallback"],
  ])("natives %s, %s codecs", async (natives, path) => {
    await sim.call("natives", [natives]);
    for (const text of SAMPLES) {
      const expected = Buffer.from(text, "utf8"); // lone surrogates as EF BF BD, as WHATWG encoders write them
      expect(await encode(path, text)).toEqual(expected);
      expect((await sim.call("length", [text])).result).toBe(expected.length);
      const decoded = await decode(path, expected);
      expect(decoded.codePoints).toEqual(codePointsOf(expected.toString("utf8")));
    }
    // A text message that starts with U+FEFF keeps it (TextDecoder would drop it unless told ignoreBOM).
    expect((await decode(path, Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))).codePoints).toEqual([0xfeff, 0x41]);
  });

  test("the path is chosen at each call, not when the platform is made (a device makes it while preloading)", async () => {
    await sim.call("natives", ["none"]);
    await sim.call("makePlatform");
    const before = (await sim.call("natives", ["all"])).result as { fromString: number; fromArrayBuffer: number };
    expect(await encode("made-platform", "héllo")).toEqual(Buffer.from("héllo"));
    expect((await decode("made-platform", Buffer.from("wörld"))).codePoints).toEqual(codePointsOf("wörld"));
    const after = (await sim.call("natives", ["all"])).result as { fromString: number; fromArrayBuffer: number };
    expect(after.fromString).toBe(before.fromString + 1);
    expect(after.fromArrayBuffer).toBe(before.fromArrayBuffer + 1);
    // And the other way round: natives gone after the platform was made, the fallback answers.
    await sim.call("natives", ["none"]);
    expect(await encode("made-platform", "a\uD800b")).toEqual(Buffer.from([0x61, 0xef, 0xbf, 0xbd, 0x62]));
  });

  test("the String.fromArrayBuffer stand-in refuses what Moddable's refuses", async () => {
    await sim.call("natives", ["all"]);
    await expect(sim.call("decode", ["platform"], Uint8Array.of(0x41, 0xe2, 0x82))).rejects.toThrow(DeviceCallError);
  });
});

/**
 * Per-byte cost at 64 KiB over the cost at 1 KiB. CPU time must stay within
 * MAX_CPU_RATIO (a quadratic walk gives about 64); the XS step count within
 * MAX_STEP_RATIO (it is the same at every size for a linear walk, and carries
 * no noise). The control shows that the CPU figure sees what the step count
 * cannot: the indexed walk this project used to encode with.
 */
const MAX_CPU_RATIO = 4;
const MAX_STEP_RATIO = 1.25;
const SIZES = [1024, 65536] as const;

describe("UTF-8 on the XS engine: time per byte is flat from 1 KiB to 64 KiB", () => {
  let probe: TextCostProbe;
  beforeAll(async () => {
    probe = await TextCostProbe.start();
  });
  afterAll(async () => {
    await probe?.stop();
  });

  const ratios = (costs: TextCost[]) => ({
    cpu: costs[1].nsPerByte / costs[0].nsPerByte,
    steps: costs[1].computePerByte / costs[0].computePerByte,
  });

  test.each<[TextNatives, TextOp, TextKind]>([
    ["none", "encode-fallback", "ascii"],
    ["none", "encode-fallback", "mixed"],
    ["none", "decode-fallback", "mixed"],
    ["none", "length-fallback", "mixed"],
    ["all", "encode-platform", "mixed"],
    ["all", "decode-platform", "mixed"],
    ["no-isWellFormed", "encode-platform", "mixed"],
  ])("natives %s: %s, %s text", async (natives, op, kind) => {
    await probe.natives(natives);
    const costs = await probe.measure(op, kind, SIZES);
    const r = ratios(costs);
    console.log(`${op} ${kind} (natives ${natives}): ${costs.map((c) => `${c.bytes} B ${c.nsPerByte.toFixed(1)} ns/B (${c.clock}) ${c.computePerByte.toFixed(1)} steps/B`).join(", ")}; 64 KiB / 1 KiB per byte: CPU ${r.cpu.toFixed(2)}, steps ${r.steps.toFixed(2)}`);
    expect(r.cpu).toBeLessThanOrEqual(MAX_CPU_RATIO);
    expect(r.steps).toBeLessThanOrEqual(MAX_STEP_RATIO);
  }, 60000);

  test("control: the indexed charCodeAt walk is caught by the CPU ratio, not by the step count", async () => {
    await probe.natives("none");
    // 16 KiB keeps the run short; a linear walk would still give about 1.
    const costs = await probe.measure("encode-indexed", "ascii", [1024, 16384], { budget: 32 * 1024, rounds: 2 });
    const r = ratios(costs);
    console.log(`indexed walk: 16 KiB / 1 KiB per byte: CPU ${r.cpu.toFixed(2)}, steps ${r.steps.toFixed(2)}`);
    expect(r.cpu).toBeGreaterThan(MAX_CPU_RATIO);
    expect(r.steps).toBeLessThanOrEqual(MAX_STEP_RATIO);
  }, 60000);
});
