/**
 * The device's debug switch: `config.websocket.debug` in the app's manifest (or on mcconfig's command line,
 * which passes strings). On, the device runtime's platform gets a `debug` sink that writes through `trace`
 * (xsbug, or the serial console); off, it has none and the client builds no log line at all.
 */
import { WebSocketError } from "../core/errors";

declare const trace: (text: string) => void;

/** Checks the setting once, where it enters (a typo is a build mistake, so it throws). */
export function readDebug(config: unknown): boolean {
  const value = (config as { websocket?: { debug?: unknown } } | null | undefined)?.websocket?.debug;
  if (value === undefined || value === false || value === "false" || value === 0 || value === "0") return false;
  if (value === true || value === "true" || value === 1 || value === "1") return true;
  throw new WebSocketError("INVALID_ARGUMENT", `manifest config.websocket: debug must be true or false, got ${JSON.stringify(value)}`);
}

export function traceDebug(line: string): void {
  trace("websocket: " + line + "\n");
}
