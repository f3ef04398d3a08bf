import { expectAllStrict } from "./assert-cases";
import { xsCases } from "./cases/xs";
import { startXs, stopXs, xsUncaught } from "./xs-echo";

describe("cases with the Client on the XS engine (device runtime, ECMA-419 TCP)", () => {
  beforeAll(() => startXs(), 60000);
  afterAll(async () => { await stopXs(); });
  afterEach(() => expect(xsUncaught()).toEqual([]));
  expectAllStrict(xsCases);
});
