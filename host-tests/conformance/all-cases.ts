/** Every conformance case, in report order. */
import type { ConformanceCase } from "./case";
import { closingCases } from "./cases/closing";
import { fragmentationCases } from "./cases/fragmentation";
import { framingCases } from "./cases/framing";
import { handshakeCases } from "./cases/handshake";
import { autoFragmentCases, limitCases } from "./cases/limits";
import { pingCases } from "./cases/pings";
import { opcodeCasesAll, reservedBitCases } from "./cases/reserved";
import { streamingCases } from "./cases/streaming";
import { utf8Cases } from "./cases/utf8";
import { websocketApiCases } from "./cases/websocket-api";
import { xsCases } from "./cases/xs";

export const ALL_CASES: readonly ConformanceCase[] = [
  ...handshakeCases, ...framingCases, ...pingCases, ...reservedBitCases, ...opcodeCasesAll, ...fragmentationCases,
  ...utf8Cases, ...closingCases, ...limitCases, ...autoFragmentCases, ...websocketApiCases, ...streamingCases, ...xsCases,
];
