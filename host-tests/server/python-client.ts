/** Run python_client.py with Debian's interpreter (where apt installs python3-websockets) and collect its JSON lines. */
import { spawn } from "node:child_process";
import { join } from "node:path";

/** The echo sizes python_client.py sends (its SIZES). */
export const PYTHON_SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1 << 20];

const SYSTEM_PYTHON = "/usr/bin/python3";

interface Step { step: string; [field: string]: unknown }

export function runPythonClient(url: string, extra: string[] = []): Promise<{ steps: Step[]; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(SYSTEM_PYTHON, [join(__dirname, "python_client.py"), url, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
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

