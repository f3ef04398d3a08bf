/** Start and stop the Python `websockets` peer (echo_server.py) on 127.0.0.1, port 0. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** Debian's interpreter, where python3-websockets is installed (not a pyenv python3 earlier on PATH). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

export interface PythonPeer {
  port: number;
  /** "CLOSED <path> <code> <reason>" lines: how each connection ended, as the Python side saw it. */
  closed: { path: string; code: number; reason: string }[];
  waitClosed(path: string, capMs?: number): Promise<{ path: string; code: number; reason: string } | undefined>;
  stop(): Promise<void>;
}

export function startPythonPeer(): Promise<PythonPeer> {
  const child: ChildProcessWithoutNullStreams = spawn(SYSTEM_PYTHON, [join(__dirname, "echo_server.py")], { stdio: "pipe" });
  const closed: PythonPeer["closed"] = [];
  const waiters = new Set<() => void>();
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => reject(new Error(`${SYSTEM_PYTHON} echo_server.py: ${why}\n${stderr}`));
    child.on("error", (e) => fail(e.message));
    child.on("exit", (code) => fail(`exited with ${code} before listening (is python3-websockets installed? run scripts/setup-system.sh)`));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const port = /^PORT (\d+)$/.exec(line);
      if (port) {
        resolve({
          port: Number(port[1]),
          closed,
          waitClosed(path, capMs = 5000) {
            const find = (): PythonPeer["closed"][number] | undefined => closed.find((c) => c.path === path);
            return new Promise((done) => {
              const check = (): void => { const c = find(); if (c) finish(c); };
              const timer = setTimeout(() => finish(undefined), capMs);
              const finish = (c: PythonPeer["closed"][number] | undefined): void => { clearTimeout(timer); waiters.delete(check); done(c); };
              waiters.add(check);
              check();
            });
          },
          stop() {
            return new Promise((done) => {
              child.removeAllListeners("exit");
              if (child.exitCode !== null) { done(); return; }
              child.once("exit", () => done());
              child.kill("SIGTERM");
            });
          },
        });
        return;
      }
      const c = /^CLOSED (\S+) (\d+|None) ?(.*)$/.exec(line);
      if (c) {
        closed.push({ path: c[1], code: c[2] === "None" ? 0 : Number(c[2]), reason: c[3] });
        for (const w of Array.from(waiters)) w();
      }
    });
  });
}
