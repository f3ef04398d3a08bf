/** `npm start -- --node` runs seed 000's flow with seed 000's API on Node, printing what the XS run prints (host-tests/xs/demo.test.ts). */
import { execFile } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");

test("npm start -- --node: open, 11 echoes with readyState 1, close, the close event", async () => {
  const output = await new Promise<string>((done, fail) => {
    execFile(process.execPath, ["examples/demo/start.mjs", "--node"], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error || stderr) fail(new Error(`${String(error)}\n${stderr}`));
      else done(stdout);
    });
  });
  const lines = output.split("\n");
  expect(lines[0]).toBe("running the seed-000 demo on Node");
  expect(lines[1]).toMatch(/^echo server listening at ws:\/\/127\.0\.0\.1:\d+\/$/);
  expect(lines.filter((l) => l === "msg: hello ws.")).toHaveLength(11);
  expect(lines.filter((l) => l === "ws message, wsClient.readyState =  1")).toHaveLength(11);
  expect(lines.filter((l) => l.startsWith("cnt = "))).toEqual(Array.from({ length: 11 }, (_, i) => `cnt =  ${i + 1}`));
  expect(lines).toContain("ws open, wsClient.readyState =  1");
  expect(lines.indexOf("close")).toBeLessThan(lines.indexOf("ws close, wsClient.readyState =  3"));
  expect(lines).toContain('close event: code 1005, reason "", wasClean true');
  expect(lines.some((l) => l.startsWith("ws error"))).toBe(false);
}, 40_000);
