/** A cross-section of the cases with the Client on the XS engine (device runtime, ECMA-419 TCP). */
import type { ConformanceCase } from "../case";
import { closingCases } from "./closing";
import { fragmentationCases } from "./fragmentation";
import { framingCases } from "./framing";
import { handshakeCases } from "./handshake";
import { autoFragmentCases, limitCases } from "./limits";
import { pingCases } from "./pings";
import { opcodeCasesAll, reservedBitCases } from "./reserved";
import { utf8Cases } from "./utf8";

const SOME_CLOSES = new Set(["7.1.1", "7.1.2", "7.1.3", "7.1.4", "7.1.5", "7.1.6", "7.3.1", "7.3.2", "7.3.3", "7.3.4", "7.3.5", "7.3.6", "7.5.1",
  "7.7.1", "7.7.2", "7.7.4", "7.7.9", "7.7.13", "7.7.2012", "7.9.1", "7.9.3", "7.9.4", "7.9.6", "7.9.10", "7.13.1"]);
/**
 * Messages up to 4 MiB (not 8 and 16: the worker's heap is a device's), and
 * fewer of the slow repetitions: fragments of 64 B, 1 KiB, 64 KiB and 4 MiB;
 * chops of 64 and 2048 bytes; round trips of 16 B and 4 KiB.
 */
const XS_LIMITS = /^9\.[12]\.[1-4]$|^9\.[34]\.[1369]$|^9\.[56]\.[16]$|^9\.[78]\.[26]$|^9\.9\./;

export const xsCases: ConformanceCase[] = [
  ...handshakeCases.filter((c) => c.id !== "0.1.9"), ...framingCases, ...pingCases, ...reservedBitCases, ...opcodeCasesAll, ...fragmentationCases,
  ...utf8Cases,
  ...closingCases.filter((c) => SOME_CLOSES.has(c.id)), ...limitCases.filter((c) => XS_LIMITS.test(c.id)), ...autoFragmentCases,
].map((c) => ({ ...c, id: `${c.id}/xs`, category: "XS engine (device runtime)", title: `${c.title} (XS)`, api: "xs" }));
