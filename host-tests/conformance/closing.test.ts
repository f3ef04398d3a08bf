import { expectAllStrict } from "./assert-cases";
import { closingCases } from "./cases/closing";

describe("Autobahn 7.x close handling", () => expectAllStrict(closingCases));
