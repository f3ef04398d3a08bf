/**
 * Debian's python3-websockets (run with /usr/bin/python3, where apt installs
 * it) as the client of our host server: every size class echoed, fragmented
 * messages, ping/pong, a close from the client and one from the server.
 */
import { spawn } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { upgrade, type Accept } from "../../node/server";

const SYSTEM_PYTHON = "/usr/bin/python3";

interface Step { step: string; [field: string]: unknown }

function runPythonClient(url: string): Promise<{ steps: Step[]; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(SYSTEM_PYTHON, [join(__dirname, "python_client.py"), url], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    child.on("error", (e) => { stderr += e.message; });
    child.on("close", (code) => {
      const steps = out.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Step);
      resolve({ steps, code, stderr });
    });
  });
}

test("the Python websockets client against our server", async () => {
  const serverCloses: [number, string, boolean][] = [];
  const accept: Accept = (socket) => {
    socket.binaryType = "arraybuffer";
    socket.onmessage = (e) => {
      if (e.data === "please close") socket.close(4002, "server says bye");
      else socket.send(e.data);
    };
    socket.onclose = (e) => serverCloses.push([e.code, e.reason, e.wasClean]);
  };
  const server = http.createServer((_req, res) => res.end());
  server.on("upgrade", upgrade(accept, { maxMessageSize: 2 << 20 }));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    const { steps, code, stderr } = await runPythonClient(`ws://127.0.0.1:${port}/py`);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const echoes = steps.filter((s) => s.step === "echo");
    expect(echoes.map((s) => [s.size, s.binary, s.text])).toEqual(
      [0, 1, 125, 126, 127, 65535, 65536, 1 << 20].map((n) => [n, true, true]));
    expect(steps.find((s) => s.step === "fragmented")?.echoed).toBe("fragmented ü");
    expect(steps.find((s) => s.step === "fragmented-binary")?.echoed).toEqual([1, 2, 3]);
    expect(steps.find((s) => s.step === "pong")?.ok).toBe(true);
    expect(steps.find((s) => s.step === "client-close")).toMatchObject({ code: 1000 });
    expect(steps.find((s) => s.step === "server-close")).toMatchObject({ code: 4002, reason: "server says bye" });
    expect(steps[steps.length - 1].step).toBe("done");
    expect(serverCloses).toEqual([[1000, "python says bye", true], [4002, "server says bye", true]]);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}, 90000);
