import { expectAllStrict } from "./assert-cases";
import { autoFragmentCases, limitCases } from "./cases/limits";

describe("Autobahn 9.x limits and performance", () => expectAllStrict(limitCases));
describe("Autobahn 10.x auto-fragmentation", () => expectAllStrict(autoFragmentCases));
