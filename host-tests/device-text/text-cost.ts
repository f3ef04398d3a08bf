/**
 * What UTF-8 text costs on the XS engine, per byte, at several sizes: the
 * measurements behind host-tests/device-text/xs-text-linear.test.ts and the
 * XS text rows of bench/RESULTS.md (bench/xs/text.mjs).
 *
 * Two figures per operation and size, each for one delivery to the worker
 * that repeats the operation over about the same number of bytes at every size:
 * - xsnap's `compute` meter: steps of XS bytecode, the same on every run, but
 *   blind to work inside native functions. The indexed walk this project used
 *   to encode with costs the same steps per character at every size, while
 *   each of its charCodeAt(i) calls scans the string from the start in C.
 * - the worker's CPU time (/proc/<pid>/schedstat: time on a CPU, not time
 *   waiting for one), which sees that scan. The smallest of a few rounds is
 *   kept, so a busy machine moves it little.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../simulator/paths";
import { XsSimulator } from "../../simulator/simulator";
import type { TextKind, TextNatives, TextOp } from "./text-device";

export type { TextKind, TextNatives, TextOp };

export const TEXT_DEVICE_ENTRY = path.join(PROJECT_ROOT, "host-tests/device-text/text-device.ts");

export interface TextCost {
  op: TextOp;
  kind: TextKind;
  /** UTF-8 bytes of the text. */
  bytes: number;
  reps: number;
  /** XS steps per byte (xsnap's compute meter). */
  computePerByte: number;
  /** Worker CPU nanoseconds per byte (smallest of the rounds); wall clock where /proc has no schedstat. */
  nsPerByte: number;
  clock: "cpu" | "wall";
}

function cpuNs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return undefined;
  }
}

export class TextCostProbe {
  private constructor(private readonly sim: XsSimulator) {}

  static async start(): Promise<TextCostProbe> {
    return new TextCostProbe(await XsSimulator.start(TEXT_DEVICE_ENTRY));
  }

  async stop(): Promise<void> {
    await this.sim.stop();
  }

  private async evaluate(script: string): Promise<{ compute: number; ns: number; clock: "cpu" | "wall"; value: unknown }> {
    const engine = this.sim.engine;
    const cpuBefore = cpuNs(engine.pid);
    const wallBefore = process.hrtime.bigint();
    const { meter, reply } = await engine.evaluate(script);
    const wall = Number(process.hrtime.bigint() - wallBefore);
    const cpuAfter = cpuNs(engine.pid);
    const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
    return { compute: meter.compute, ns: cpu ?? wall, clock: cpu !== undefined ? "cpu" : "wall", value: reply };
  }

  /** Which of Moddable's text natives the worker has (text-device.ts). */
  async natives(which: TextNatives): Promise<void> {
    await this.sim.engine.evaluate(`textDevice.natives(${JSON.stringify(which)})`);
  }

  /**
   * Cost per byte of `op` on text of each size: every size handles about
   * `budget` bytes per round (reps = budget / size), `rounds` rounds each,
   * the sizes taking turns so a slow spell of the machine hits them alike.
   */
  async measure(op: TextOp, kind: TextKind, sizes: readonly number[], { budget = 256 * 1024, rounds = 3 } = {}): Promise<TextCost[]> {
    const best = new Map<number, TextCost>();
    for (let round = 0; round < rounds; round++) {
      for (const size of sizes) {
        const made = await this.evaluate(`textDevice.make(${size}, ${JSON.stringify(kind)})`);
        void made;
        const reps = Math.max(1, Math.round(budget / size));
        const { compute, ns, clock } = await this.evaluate(`textDevice.run(${JSON.stringify(op)}, ${reps})`);
        const handled = reps * size;
        const cost: TextCost = { op, kind, bytes: size, reps, computePerByte: compute / handled, nsPerByte: ns / handled, clock };
        const seen = best.get(size);
        if (!seen || cost.nsPerByte < seen.nsPerByte) best.set(size, cost);
      }
    }
    return sizes.map((size) => best.get(size)!);
  }
}
