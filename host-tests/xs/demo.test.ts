/** `npm start` on XS: the seed 000 section-5 flow inside the simulator against a real echo server. */
import { startWsServer } from "../support/servers";
import { runSeed000OnXs } from "../../simulator/demo";

test("seed 000 demo on XS: 11 echoes with readyState 1, then a clean close", async () => {
  const server = await startWsServer();
  let output = "";
  try {
    const { uncaught } = await runSeed000OnXs(server.url, (text) => (output += text));
    expect(uncaught).toEqual([]);
  } finally {
    await server.close();
  }
  const lines = output.split("\n");
  expect(lines.filter((l) => l === "msg: hello ws.")).toHaveLength(11);
  expect(lines.filter((l) => l === "ws message, wsClient.readyState =  1")).toHaveLength(11);
  expect(lines).toContain("ws open, wsClient.readyState =  1");
  expect(lines).toContain("ws close, wsClient.readyState =  3");
  expect(lines).toContain('close event: code 1005, reason "", wasClean true');
  expect(lines.indexOf("close")).toBeLessThan(lines.indexOf("ws close, wsClient.readyState =  3"));
});
