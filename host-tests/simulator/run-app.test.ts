/**
 * `npm run simulate -- <main.ts> key=value`: a Moddable app of the repository, unchanged, run in the XS host
 * simulator against real servers on 127.0.0.1, with its trace on stdout and `url=` reaching mc/config.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { startRawServer, startWsServer } from "../support/servers";

const ROOT = resolve(__dirname, "../..");

function simulate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ["simulator/run.mjs", ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test("examples/seed000 runs as built: open, 11 echoes through a real server, the server's messages, close", async () => {
  const received: string[] = [];
  const server = await startWsServer({}, (peer) => peer.on("message", (data) => {
    received.push(String(data));
    peer.send(String(data));
  }));
  try {
    const run = await simulate(["examples/seed000/main.ts", `url=${server.url}`, "--until", "ws close", "--seconds", "45"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines).toContain("ws open, wsClient.readyState = 1");
    expect(lines.filter((l) => l === "msg: hello ws.")).toHaveLength(11);
    expect(lines).toContain("ws close, wsClient.readyState = 3");
    expect(received).toEqual(Array.from({ length: 11 }, () => "hello ws."));
  } finally {
    await server.close();
  }
}, 70_000);

test("the app's trace is what it printed; a text that never comes is exit 1 after --seconds, naming it", async () => {
  // A server that accepts TCP and never answers the handshake: the app prints nothing past its start.
  const silent = await startRawServer(() => undefined);
  try {
    const run = await simulate(["examples/seed000/main.ts", `url=ws://127.0.0.1:${silent.port}/`, "--until", "ws open", "--seconds", "2"]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain("ws open");
    expect(run.stderr).toContain('"ws open" did not appear within 2 s');
  } finally {
    await silent.close();
  }
}, 30_000);

test("usage errors exit 2 with the usage line", async () => {
  const run = await simulate([]);
  expect(run.code).toBe(2);
  expect(run.stdout + run.stderr).toContain("usage: npm run simulate --");
});
