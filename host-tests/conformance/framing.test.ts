import { framingCases } from "./cases/framing";
import { expectAllStrict } from "./assert-cases";

describe("Autobahn 1.x framing", () => {
  expectAllStrict(framingCases);
});
