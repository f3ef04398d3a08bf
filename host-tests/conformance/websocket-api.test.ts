import { expectAllStrict } from "./assert-cases";
import { websocketApiCases } from "./cases/websocket-api";

test("the cross-section picked every case it names", () => expect(websocketApiCases.length).toBe(31));
describe("cases through the browser-style WebSocket", () => expectAllStrict(websocketApiCases));
