import { expectAllStrict } from "./assert-cases";
import { handshakeCases } from "./cases/handshake";

describe("opening handshake", () => expectAllStrict(handshakeCases));
