/**
 * Debian's python3-websockets (run with /usr/bin/python3, where apt installs
 * it) as the client of our host server: every size class echoed, fragmented
 * messages, ping/pong, a close from the client and one from the server.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { upgrade, type Accept } from "../../node/server";
import { runPythonClient, PYTHON_SIZES } from "./python-client";

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
      PYTHON_SIZES.map((n) => [n, true, true]));
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
