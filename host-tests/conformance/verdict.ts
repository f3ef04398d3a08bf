/**
 * Turn what the server recorded and what the user saw into an Autobahn-style
 * verdict: OK (strict), NON-STRICT (allowed, not the preferred behaviour), FAILED.
 */
import type { ConformanceCase, ExpectedFrame, Verdict } from "./case";
import type { UserView } from "./user-view";
import type { ConnectionRecord } from "./test-server";
import { OP, type ClientFrame } from "./wire";

export interface Judgement {
  verdict: Verdict;
  reasons: string[];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

function describeFrame(f: { opcode: number; payload: Uint8Array }): string {
  const head = Buffer.from(f.payload.subarray(0, 16)).toString("hex");
  return `op ${f.opcode} (${f.payload.length} bytes${f.payload.length ? ": " + head + (f.payload.length > 16 ? "…" : "") : ""})`;
}

/** First difference between sent frames and an expected list, or "" when equal. */
function framesDiffer(sent: ClientFrame[], expected: ExpectedFrame[]): string {
  for (let i = 0; i < Math.max(sent.length, expected.length); i++) {
    const s = sent[i], e = expected[i];
    if (!s) return `client sent ${sent.length} frames before closing, expected ${expected.length} (missing ${describeFrame(e)})`;
    if (!e) return `client sent an unexpected frame #${i + 1}: ${describeFrame(s)}`;
    if (!s.fin || s.rsv !== 0) return `client frame #${i + 1} has fin=${s.fin} rsv=${s.rsv}`;
    if (s.opcode !== e.opcode || !sameBytes(s.payload, e.payload)) {
      return `client frame #${i + 1} is ${describeFrame(s)}, expected ${describeFrame(e)}`;
    }
  }
  return "";
}

/**
 * A streaming client echoes a message as several frames: join each run of
 * data frames into one frame at the position of its last frame (control
 * frames in between keep theirs); a message it never finished (it failed the
 * connection first) is not a message, as in Autobahn.
 */
function reassemble(frames: ClientFrame[]): { frames: ClientFrame[]; problem: string } {
  const out: ClientFrame[] = [];
  let parts: ClientFrame[] = [];
  for (const f of frames) {
    if (f.opcode >= 8) { out.push(f); continue; }
    if ((f.opcode === OP.CONT) !== (parts.length > 0)) {
      return { frames: out, problem: `client sent ${f.opcode === OP.CONT ? "a continuation without a started message" : "a new message inside its fragmented one"}` };
    }
    parts.push(f);
    if (f.fin) {
      const payload = Buffer.concat(parts.map((p) => p.payload));
      out.push({ ...parts[0], fin: true, payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.length) });
      parts = [];
    }
  }
  return { frames: out, problem: "" };
}

export function judge(c: ConformanceCase, view: UserView, record: ConnectionRecord | undefined): Judgement {
  const failed: string[] = [];
  const lenient: string[] = [];
  const x = c.expect;
  if (!record || !record.peer) {
    return { verdict: "FAILED", reasons: ["the client never completed a handshake with the server", ...(record?.problems ?? [])] };
  }
  const peer = record.peer;
  failed.push(...record.problems);
  failed.push(...view.sendFailures.map((s) => `echo send() threw: ${s}`));
  const handshakeFails = x.wireClose === "none";
  if (view.opened === handshakeFails) failed.push(handshakeFails ? "onOpen fired although the handshake response is not acceptable" : "onOpen never fired");

  // What went over the wire.
  const closeAt = peer.frames.findIndex((f) => f.opcode === OP.CLOSE);
  let before = closeAt < 0 ? peer.frames : peer.frames.slice(0, closeAt);
  const after = closeAt < 0 ? [] : peer.frames.slice(closeAt + 1);
  if (c.api === "client-fragments") {
    const joined = reassemble(before);
    if (joined.problem) failed.push(joined.problem);
    before = joined.frames;
  }
  if (after.length) failed.push(`client sent ${after.length} frame(s) after its close frame (first: ${describeFrame(after[0])})`);
  const diff = framesDiffer(before, x.frames);
  if (diff) {
    const alternative = (x.lenientFrames ?? []).some((alt) => framesDiffer(before, alt) === "");
    (alternative ? lenient : failed).push(diff);
  }
  if (handshakeFails) {
    if (peer.frames.length) failed.push(`client sent ${peer.frames.length} frame(s) after a failed handshake`);
  } else if (closeAt < 0) {
    failed.push("client sent no close frame");
  } else {
    const body = peer.frames[closeAt].payload;
    const wire = body.length === 0 ? "empty" : body.length >= 2 ? (body[0] << 8) | body[1] : "1-byte body";
    if (wire !== x.wireClose) failed.push(`client's close frame carries ${wire}, expected ${x.wireClose}`);
    if (body.length > 125) failed.push(`client's close frame body is ${body.length} bytes`);
    const reason = body.subarray(2);
    try { new TextDecoder("utf-8", { fatal: true }).decode(reason); } catch { failed.push("client's close reason is not valid UTF-8"); }
  }

  // What the user saw: exactly the messages and pings the expectation implies (nothing after a bad frame or a close).
  const wantMessages = x.frames.filter((f) => f.opcode === OP.TEXT || f.opcode === OP.BINARY).length;
  const wantPings = x.frames.filter((f) => f.opcode === OP.PONG).length;
  if (view.messages !== wantMessages) failed.push(`onMessage fired ${view.messages} times, expected ${wantMessages}`);
  // The browser-style API has no ping event; Client reports every ping it answered.
  if (((c.api ?? "client").startsWith("client") || c.api === "xs") && view.pings !== wantPings) failed.push(`onPing fired ${view.pings} times, expected ${wantPings}`);
  if (view.closes.length !== 1) {
    failed.push(`onClose fired ${view.closes.length} times`);
  } else {
    const seen = view.closes[0];
    // WHATWG: an unclean close reports 1006 and no reason to the page, whatever code went to the peer.
    const whatwg = c.api === "websocket" && !x.user.wasClean;
    const wantCode = whatwg ? 1006 : x.user.code;
    if (seen.code !== wantCode) failed.push(`onClose code ${seen.code}, expected ${wantCode}`);
    if (seen.wasClean !== x.user.wasClean) failed.push(`onClose wasClean ${seen.wasClean}, expected ${x.user.wasClean}`);
    const r = whatwg ? "" : x.user.reason;
    if (r !== undefined && !(typeof r === "string" ? seen.reason === r : r.test(seen.reason))) {
      failed.push(`onClose reason "${seen.reason}", expected ${String(r)}`);
    }
    if (view.order[view.order.length - 1] !== "close") failed.push(`events after onClose: ${view.order.join(",")}`);
  }
  if (x.error) {
    if (view.errors.length !== 1) failed.push(`onError fired ${view.errors.length} times, expected once (${x.error.code})`);
    const e = view.errors[0];
    if (e) {
      if (e.code !== x.error.code) failed.push(`error code ${e.code}, expected ${x.error.code}`);
      if (!x.error.message.test(e.message)) failed.push(`error message "${e.message}" does not match ${String(x.error.message)}`);
      if (typeof x.wireClose === "number" && e.closeCode !== x.wireClose) failed.push(`error.closeCode ${String(e.closeCode)}, expected ${x.wireClose}`);
      if (view.order.indexOf("error") > view.order.indexOf("close")) failed.push("onError came after onClose");
    }
  } else if (view.errors.length) {
    failed.push(`unexpected onError: ${view.errors.map((e) => `${e.code}: ${e.message}`).join("; ")}`);
  }
  if (x.failFast && peer.notes.get("failFast") !== true) {
    lenient.push("the client failed only after the rest of the frame arrived, not at the first invalid byte");
  }
  if (failed.length) return { verdict: "FAILED", reasons: [...failed, ...lenient] };
  if (lenient.length) return { verdict: "NON-STRICT", reasons: lenient };
  return { verdict: "OK", reasons: [] };
}
