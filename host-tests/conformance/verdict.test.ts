/** The verdicts must be able to fail: wrong expectations and a less strict real client are caught. */
import type { ConformanceCase } from "./case";
import { streamingCases } from "./cases/streaming";
import { utf8Cases } from "./cases/utf8";
import { closesNormally, echoText } from "./expect";
import { runCase } from "./runner";
import { text } from "./wire";

test("an echo that differs from the expectation is FAILED, with the difference named", async () => {
  const c: ConformanceCase = {
    id: "self.1", category: "self", title: "expectation deliberately wrong",
    script: (p) => p.send(text("sent")), expect: closesNormally([echoText("expected")]),
  };
  const r = await runCase(c);
  expect(r.verdict).toBe("FAILED");
  expect(r.reasons.join("\n")).toMatch(/client frame #1 is op 1 \(4 bytes: 73656e74\), expected op 1 \(8 bytes/);
});

test("an expected error that does not happen is FAILED", async () => {
  const c: ConformanceCase = {
    id: "self.2", category: "self", title: "error expected, none happens",
    script: (p) => p.send(text("fine")),
    expect: { frames: [echoText("fine")], wireClose: 1002, user: { code: 1002, wasClean: false }, error: { code: "PROTOCOL_ERROR", message: /x/ } },
  };
  const r = await runCase(c);
  expect(r.verdict).toBe("FAILED");
  expect(r.reasons).toEqual(expect.arrayContaining(["client's close frame carries 1000, expected 1002", "onError fired 0 times, expected once (PROTOCOL_ERROR)"]));
});

test("the ws npm client, which checks UTF-8 only once a frame is complete, is not judged fail-fast", async () => {
  const c = utf8Cases.find((x) => x.id === "6.4.3")!;
  const r = await runCase({ ...c, api: "ws-reference" });
  expect(r.verdict).not.toBe("OK");
  expect(r.reasons).toContain("the client failed only after the rest of the frame arrived, not at the first invalid byte");
});

test("with fragments: true the client really streams: a 2-fragment message is echoed as 2 frames as they arrive", async () => {
  const c = streamingCases.find((x) => x.id === "5.5/frag")!; // text in 2 fragments, one byte per write
  let frames: { opcode: number; fin: boolean; text: string }[] = [];
  const r = await runCase(c, (peer) => { frames = peer.frames.map((f) => ({ opcode: f.opcode, fin: f.fin, text: Buffer.from(f.payload).toString() })); });
  expect(r.verdict).toBe("OK");
  // One byte per write: each byte of each fragment comes back as its own part.
  expect(frames[0]).toEqual({ opcode: 1, fin: false, text: "f" });
  expect(frames.filter((f) => f.opcode !== 8).map((f) => f.text).join("")).toBe("fragment1fragment2");
  expect(frames.filter((f) => f.opcode !== 8).length).toBe(18);
  expect(frames[frames.length - 2]).toEqual({ opcode: 0, fin: true, text: "2" });
});
