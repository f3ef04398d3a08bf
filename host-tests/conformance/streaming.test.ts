import { expectAllStrict } from "./assert-cases";
import { streamingCases } from "./cases/streaming";

describe("cases with fragments: true (parts echoed as they arrive)", () => expectAllStrict(streamingCases));
