/** Autobahn 6.x: UTF-8 handling — valid text echoed, invalid text closed with 1007, as early as possible. */
import type { ConformanceCase } from "../case";
import { closesNormally, echoText, invalidUtf8 } from "../expect";
import type { Peer } from "../test-server";
import { concat, cont, text, utf8, type Bytes } from "../wire";
import { KUHN, firstInvalidByte, type Utf8Sample } from "./kuhn";

const category = "6 UTF-8";
const KOSME = utf8("κόσμε");
const VALID = "Hello-µ@ßöäüàá-UTF-8!!";
/** How long a fail-fast case waits for the close before sending the rest (a bound, not a verdict: the rest is sent either way). */
const FAIL_FAST_WAIT = 2000;

/** One frame per byte: text(first byte, no FIN), then continuations. */
function perByteFragments(payload: Bytes): Bytes[] {
  if (payload.length === 0) return [text(payload)];
  return Array.from(payload, (b, i) => (i === 0 ? text : cont)(new Uint8Array([b]), { fin: i === payload.length - 1 }));
}

/** Send `pieces` in order; after the piece that completes the first invalid byte, record whether the close came before the rest. */
function failFastScript(pieces: Bytes[], badPiece: number): (p: Peer) => Promise<void> {
  return async (p) => {
    for (let i = 0; i < pieces.length; i++) {
      await p.send(pieces[i]);
      if (i === badPiece) p.notes.set("failFast", await p.waitForClientClose(FAIL_FAST_WAIT));
      else if (i < badPiece) await p.sleep(10);
    }
  };
}

function basics(): ConformanceCase[] {
  const valid = utf8(VALID);
  const byCodePoint = Array.from(VALID).map((ch, i, all) => (i === 0 ? text : cont)(ch, { fin: i === all.length - 1 }));
  const invalid = Uint8Array.from(KUHN.find((k) => k.group === "6.3")!.bytes);
  const badAt = (bytes: Bytes): number => firstInvalidByte(Array.from(bytes));
  const withBad = concat([KOSME, Uint8Array.from([0xf4, 0x90, 0x80, 0x80]), utf8("edited")]);
  const oneFrame = text(withBad);
  const cut = 2 + KOSME.length; // header + κόσμε
  return [
    { id: "6.1.1", category, title: "empty text message", script: (p) => p.send(text("")), expect: closesNormally([echoText("")]) },
    {
      id: "6.1.2", category, title: "text message of three empty fragments",
      script: (p) => p.send([text("", { fin: false }), cont("", { fin: false }), cont("")]), expect: closesNormally([echoText("")]),
    },
    {
      id: "6.1.3", category, title: "text: empty fragment, non-empty fragment, empty fragment",
      script: (p) => p.send([text("", { fin: false }), cont("middle frame payload", { fin: false }), cont("")]),
      expect: closesNormally([echoText("middle frame payload")]),
    },
    { id: "6.2.1", category, title: "valid UTF-8 in one frame", script: (p) => p.send(text(valid)), expect: closesNormally([echoText(valid)]) },
    { id: "6.2.2", category, title: "valid UTF-8 fragmented on code points", script: (p) => p.send(byCodePoint), expect: closesNormally([echoText(valid)]) },
    {
      id: "6.2.3", category, title: "valid UTF-8 in 1-byte fragments (frames end inside characters)",
      script: (p) => p.send(perByteFragments(valid)), expect: closesNormally([echoText(valid)]),
    },
    {
      id: "6.2.4", category, title: "κόσμε in 1-byte fragments, one byte per write",
      script: (p) => p.send(perByteFragments(KOSME), { chop: 1 }), expect: closesNormally([echoText(KOSME)]),
    },
    { id: "6.3.1", category, title: "invalid UTF-8 (surrogate) in one frame", script: (p) => p.send(text(invalid)), expect: invalidUtf8() },
    { id: "6.3.2", category, title: "invalid UTF-8 (surrogate) in 1-byte fragments", script: (p) => p.send(perByteFragments(invalid)), expect: invalidUtf8() },
    {
      id: "6.4.1", category, title: "fail fast: 3 fragments, the 2nd (f4 90 80 80) is invalid, the 3rd follows only later",
      script: failFastScript([text(KOSME, { fin: false }), cont(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]), { fin: false }), cont("edited")], 1),
      expect: { ...invalidUtf8(), failFast: true },
    },
    {
      id: "6.4.2", category, title: "fail fast: 3 fragments, the 2nd (κόσμε f4 90) turns invalid at 90",
      script: failFastScript([text("Hello", { fin: false }), cont(concat([KOSME, Uint8Array.from([0xf4, 0x90])]), { fin: false }), cont(concat([Uint8Array.from([0x80, 0x80]), utf8("edited")]))], 1),
      expect: { ...invalidUtf8(), failFast: true },
    },
    {
      id: "6.4.3", category, title: "fail fast: one frame written in 3 parts, the 2nd (f4 90 80 80) invalid",
      script: failFastScript([oneFrame.subarray(0, cut), oneFrame.subarray(cut, cut + 4), oneFrame.subarray(cut + 4)], 1),
      expect: { ...invalidUtf8(), failFast: true },
    },
    {
      id: "6.4.4", category, title: "fail fast: one frame written in 3 parts, the 2nd (f4 90) invalid at its last byte",
      script: failFastScript([oneFrame.subarray(0, cut), oneFrame.subarray(cut, cut + 2), oneFrame.subarray(cut + 2)], 1),
      expect: { ...invalidUtf8(), failFast: true },
    },
    // Sanity check of the oracle the fail-fast cases use.
    ...(badAt(withBad) === KOSME.length + 1 ? [] : [(() => { throw new Error("UTF-8 oracle disagrees with RFC 3629 on f4 90"); })()]),
  ];
}

/** Each sample three ways: one frame; 1-byte fragments one byte per write; and (invalid ones) fail-fast inside a larger frame. */
function sampleCases(sample: Utf8Sample, index: number): ConformanceCase[] {
  const bytes = Uint8Array.from(sample.bytes);
  const id = `${sample.group}.${index}`;
  const title = `${sample.title} (${sample.valid ? "valid" : "invalid"})`;
  const expect = sample.valid ? closesNormally([echoText(bytes)]) : invalidUtf8();
  const cases: ConformanceCase[] = [
    { id, category, title: `${title}, one frame`, script: (p) => p.send(text(bytes)), expect },
    { id: `${id}.b`, category, title: `${title}, 1-byte fragments, one byte per write`, script: (p) => p.send(perByteFragments(bytes), { chop: 1 }), expect },
  ];
  if (!sample.valid) {
    const payload = concat([KOSME, bytes, utf8("edited")]);
    const bad = firstInvalidByte(Array.from(payload));
    const f = text(payload);
    const cut = 2 + bad + 1;
    cases.push({
      id: `${id}.f`, category, title: `${title}, fail fast: frame stops after the first invalid byte (#${bad})`,
      script: failFastScript([f.subarray(0, cut), f.subarray(cut)], 0),
      expect: { ...invalidUtf8(), failFast: true },
    });
  }
  return cases;
}

function kuhnCases(): ConformanceCase[] {
  const counters = new Map<string, number>();
  return KUHN.filter((k) => k.group !== "6.3").flatMap((k) => {
    const n = (counters.get(k.group) ?? 0) + 1;
    counters.set(k.group, n);
    return sampleCases(k, n);
  });
}

export const utf8Cases: ConformanceCase[] = [...basics(), ...kuhnCases()];
