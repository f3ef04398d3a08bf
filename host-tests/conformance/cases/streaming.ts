/**
 * The framing, control-frame, fragmentation, UTF-8 and size cases again with
 * `fragments: true`: the client streams each part to the user as it arrives
 * and the echo sends it straight back with sendFrame. The verdict joins the
 * echoed parts into messages (an unfinished one does not count, as in Autobahn).
 */
import type { ConformanceCase } from "../case";
import { closingCases } from "./closing";
import { fragmentationCases } from "./fragmentation";
import { framingCases } from "./framing";
import { autoFragmentCases, limitCases } from "./limits";
import { pingCases } from "./pings";
import { opcodeCasesAll, reservedBitCases } from "./reserved";
import { utf8Cases } from "./utf8";

const CLOSE_PICK = new Set(["7.1.1", "7.1.5", "7.1.6", "7.3.1", "7.3.2", "7.5.1"]);
/** Streamed, every tiny fragment or chop becomes a frame of its own on the way back: keep the 9.x cases where that stays under ~10k frames. */
const STREAM_LIMITS = /^9\.[12]\.|^9\.[34]\.[3-9]$|^9\.[56]\.[3-6]$|^9\.9\./;

export const streamingCases: ConformanceCase[] = [
  ...framingCases, ...pingCases, ...reservedBitCases, ...opcodeCasesAll, ...fragmentationCases, ...utf8Cases,
  ...closingCases.filter((c) => CLOSE_PICK.has(c.id)), ...limitCases.filter((c) => STREAM_LIMITS.test(c.id)), ...autoFragmentCases,
].map((c) => ({ ...c, id: `${c.id}/frag`, category: "Streaming (fragments: true)", title: `${c.title} (streamed)`, api: "client-fragments" }));
