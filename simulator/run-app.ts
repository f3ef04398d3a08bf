/**
 * Runs a Moddable app's main module in the simulator against the real network, with `trace` on `write`: what
 * `mcconfig -d -m -p lin` and mcsim give, without the Moddable SDK. The app's manifest `config` (when the
 * module sits next to a manifest.json) and the `key=value` pairs of the command line become `mc/config`, as
 * mcconfig merges them.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { XsSimulator } from "./simulator";

export interface RunAppOptions {
  /** Merged over the app manifest's config, as mcconfig's `key=value` arguments are. */
  config?: Record<string, unknown>;
  /** Where trace and console output go. */
  write(text: string): void;
  /** Stop once the output contains this text (default: run until `seconds` or until stopped). */
  until?: string;
  /** Stop after this many seconds (default: no limit). */
  seconds?: number;
}

export interface AppRun {
  /** Resolves when the run stopped: `until` seen, time up, or stop() called. */
  finished: Promise<{ reason: "until" | "time" | "stopped"; uncaught: string[] }>;
  stop(): void;
}

/** The app's own `config`, from the manifest.json next to `entry` (empty when there is none). */
export function appConfig(entry: string): Record<string, unknown> {
  const manifest = path.join(path.dirname(path.resolve(entry)), "manifest.json");
  if (!existsSync(manifest)) return {};
  const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { config?: Record<string, unknown> };
  return parsed.config ?? {};
}

export async function runApp(entry: string, options: RunAppOptions): Promise<AppRun> {
  let output = "";
  let finish: (reason: "until" | "time" | "stopped") => void = () => undefined;
  const ended = new Promise<"until" | "time" | "stopped">((resolve) => (finish = resolve));
  const sim = await XsSimulator.start(entry, {
    build: { config: { ...appConfig(entry), ...options.config } },
    onOutput: (text) => {
      options.write(text);
      if (options.until === undefined) return;
      output = (output + text).slice(-(options.until.length + text.length));
      if (output.includes(options.until)) finish("until");
    },
  });
  const timer = options.seconds === undefined ? undefined : setTimeout(() => finish("time"), options.seconds * 1000);
  const finished = ended.then(async (reason) => {
    if (timer) clearTimeout(timer);
    const uncaught = [...sim.bridge.uncaught];
    await sim.stop();
    return { reason, uncaught };
  });
  return { finished, stop: () => finish("stopped") };
}
