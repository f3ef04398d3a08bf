/**
 * Runs the seed 000 demo inside the XS simulator against `url`; output of the
 * device code goes to `write`. Resolves when the demo printed its close event.
 */
import path from "node:path";
import { APPS_DIR } from "./paths";
import { XsSimulator } from "./simulator";

export const SEED000_ENTRY = path.join(APPS_DIR, "seed000-entry.ts");

export async function runSeed000OnXs(url: string, write: (text: string) => void): Promise<{ uncaught: string[] }> {
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const sim = await XsSimulator.start(SEED000_ENTRY, {
    onOutput: write,
    onHarnessEvent: (header) => {
      if (header.type === "done") finished();
    },
  });
  try {
    write(`[xs] Moddable XS engine (xsnap-worker) running a ${sim.bundleBytes}-byte bundle of the device modules\n`);
    await sim.call("run", [url]);
    await done;
    await sim.engine.idle();
    return { uncaught: [...sim.bridge.uncaught] };
  } finally {
    await sim.stop();
  }
}
