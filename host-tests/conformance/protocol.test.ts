import { expectAllStrict } from "./assert-cases";
import { fragmentationCases } from "./cases/fragmentation";
import { pingCases } from "./cases/pings";
import { opcodeCasesAll, reservedBitCases } from "./cases/reserved";

describe("Autobahn 2.x pings and pongs", () => expectAllStrict(pingCases));
describe("Autobahn 3.x reserved bits", () => expectAllStrict(reservedBitCases));
describe("Autobahn 4.x reserved opcodes", () => expectAllStrict(opcodeCasesAll));
describe("Autobahn 5.x fragmentation", () => expectAllStrict(fragmentationCases));
