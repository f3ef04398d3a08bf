import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "fixtures", "echo-server.mjs");

export interface ChildServer { child: ChildProcess; port: number }

/** Start the echo server in a child process on `port` (0: any) and wait until it listens. */
export function spawnEchoServer(port = 0): Promise<ChildServer> {
  const child = spawn(process.execPath, [SCRIPT, String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.stderr!.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    child.on("exit", (code, signal) => reject(new Error(`echo server exited (${code ?? signal}) before listening: ${err}`)));
  });
}

/** kill -9, and wait until the process is gone (its sockets closed by the kernel). */
export function killHard(server: ChildServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once("exit", () => resolve());
    server.child.kill("SIGKILL");
  });
}
