/** What a conformance case is: a scripted server behaviour and the behaviour expected of the client. */
import type { ClientOptions, ErrorCode } from "../../node/index";
import type { ClientApi } from "./echo-client";
import type { Peer, ServerHandshake } from "./test-server";
import type { Bytes } from "./wire";

export interface ExpectedFrame {
  opcode: number;
  payload: Bytes;
}

export interface Expectation {
  /** Frames the client must send before its close frame, in order: echoed messages and pongs. */
  frames: ExpectedFrame[];
  /**
   * Other frame sequences that are allowed but not what Autobahn calls strict
   * (for example answering only the last of several pings): NON-STRICT.
   */
  lenientFrames?: ExpectedFrame[][];
  /**
   * The status code in the client's close frame; "empty" for a close frame
   * without a body; "none" when the opening handshake must fail (no frames at all).
   */
  wireClose: number | "empty" | "none";
  /** What onClose reports. */
  user: { code: number; wasClean: boolean; reason?: string | RegExp };
  /** The one onError the user must see (its closeCode must equal the code on the wire); absent: no error. */
  error?: { code: ErrorCode; message: RegExp };
  /** The script must record note "failFast" = true for a strict verdict (otherwise NON-STRICT). */
  failFast?: boolean;
}

export interface ConformanceCase {
  /** Autobahn-style number, e.g. "1.1.3". */
  id: string;
  category: string;
  title: string;
  /** The RFC leaves this behaviour open: why, and what this client does. Shown by the report. */
  open?: string;
  handshake?: ServerHandshake;
  options?: ClientOptions;
  api?: ClientApi;
  /** Server behaviour after the handshake. The runner then closes with 1000 unless a close already happened. */
  script: (peer: Peer) => Promise<void>;
  expect: Expectation;
  /** Upper bound for the whole case, ms (a guard against hangs, never a verdict). */
  capMs?: number;
}

export type Verdict = "OK" | "NON-STRICT" | "FAILED";

export interface CaseResult {
  id: string;
  category: string;
  title: string;
  verdict: Verdict;
  /** Why the verdict is not OK (empty when OK). */
  reasons: string[];
  open?: string;
  ms: number;
  /** Reads the client's transport delivered (shows how finely the server's writes were split). */
  reads: number;
}
