/** A cross-section of the cases again, through the browser-style WebSocket instead of Client. */
import type { ConformanceCase } from "../case";
import { closingCases } from "./closing";
import { fragmentationCases } from "./fragmentation";
import { framingCases } from "./framing";
import { limitCases } from "./limits";
import { pingCases } from "./pings";
import { opcodeCasesAll, reservedBitCases } from "./reserved";
import { utf8Cases } from "./utf8";

const PICK = new Set(["1.1.1", "1.1.6", "1.1.8", "1.2.3", "1.2.8", "1.4.2", "2.4", "2.5", "2.10", "3.2", "4.1.3", "4.2.5",
  "5.6", "5.18", "5.19", "6.2.3", "6.3.1", "6.4.1", "6.20.1.f", "7.1.5", "7.3.1", "7.3.2", "7.3.4", "7.5.1", "7.7.1", "7.7.13", "7.9.3",
  "9.1.6", "9.2.6", "9.4.1", "9.9.1"]);

export const websocketApiCases: ConformanceCase[] = [
  ...framingCases, ...pingCases, ...reservedBitCases, ...opcodeCasesAll, ...fragmentationCases, ...utf8Cases, ...closingCases, ...limitCases,
].filter((c) => PICK.has(c.id)).map((c) => ({ ...c, id: `${c.id}/ws`, category: "WebSocket API", title: `${c.title} (WebSocket API)`, api: "websocket" }));
