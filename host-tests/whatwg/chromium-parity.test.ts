/**
 * The browser-style WebSocket against the browser itself: the same scenario
 * script (scenarios.ts) runs in headless Chromium and on Node with this
 * library's WebSocket, against the same server on 127.0.0.1, and what a page
 * can observe must be the same, event by event: order, readyState, event
 * attributes, bufferedAmount, url, protocol, and what is thrown (name,
 * DOMException). Where this library deliberately departs (a number as
 * protocols, Blob, the on<event> handler's place), the case is not in the
 * script but in departures.test.ts.
 */
import { WebSocket } from "../../node/index";
import { pageResultInChromium } from "../server/chromium";
import { startScenarioServer, type ScenarioServer } from "./scenario-server";
import { runScenariosWith, type ScenarioResults } from "./scenarios";

let server: ScenarioServer;
let browser: ScenarioResults;
let ours: ScenarioResults;

beforeAll(async () => {
  server = await startScenarioServer();
  browser = await pageResultInChromium(server.page) as unknown as ScenarioResults;
  ours = await runScenariosWith(WebSocket, server.base);
}, 180000);
afterAll(() => server.close());

const SCENARIOS = ["echo", "messages", "no-protocol", "no-protocol-none-offered", "drop", "server-close", "burst", "bad-utf8", "refused",
  "close-while-connecting", "listeners", "throws", "urls", "constants"];

test("both ran every scenario", () => {
  expect(Object.keys(browser).sort()).toEqual([...SCENARIOS].sort());
  expect(Object.keys(ours).sort()).toEqual([...SCENARIOS].sort());
  for (const name of SCENARIOS) expect(browser[name].some((line) => line.startsWith("timeout"))).toBe(false);
});

test.each(SCENARIOS)("%s: what the page sees is what Chromium shows", (name) => {
  expect(ours[name]).toEqual(browser[name]);
});

// The standard's rules the comparison covers, stated so a regression in both logs cannot pass unseen.
test("Chromium itself shows the rules this library follows", () => {
  const types = (name: string) => browser[name].map((line) => line.split(" ")[0]).filter((type) => type !== "after");
  expect(types("no-protocol")).toEqual(["error", "close"]); // offered, none selected: failed, never open
  expect(browser["no-protocol"][1]).toContain("code=1006 reason=\"\" wasClean=false");
  expect(types("drop")).toEqual(["open", "message", "close"]); // a lost connection is not a failure: no error event
  expect(types("bad-utf8")).toEqual(["open", "error", "close"]);
  expect(browser["bad-utf8"][2]).toContain("code=1006"); // not the 1007 sent to the server
  expect(types("burst")).toEqual(["open", "message", "close"]); // messages after close() are not delivered
  expect(browser["close-while-connecting"]).toContain("after close() rs=2 buffered=0");
  expect(browser.echo[2]).toBe("buffered after send=6 after close=6 after sends while closing=14 rs=2"); // UTF-8 bytes, no framing, no close frame
  expect(browser.echo[4]).toContain("buffered=12"); // what was sent while closing stays counted
});
