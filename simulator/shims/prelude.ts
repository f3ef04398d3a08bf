/**
 * Evaluated before any device module: gives the worker what Moddable gives a
 * device and xsnap lacks. `trace` and `console.log` go to the parent (xsnap's
 * own trace writes to a debugger pipe nobody reads); ArrayBuffer.fromString
 * and String.fromArrayBuffer as Moddable has them (text.ts).
 */
import { request } from "./host";
import { installTextShims } from "./text";

installTextShims();

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const g = globalThis as { trace?: unknown; console?: unknown };
g.trace = (...parts: unknown[]) => {
  request({ op: "log", stream: "trace", text: parts.map(show).join("") });
};
g.console = {
  log: (...parts: unknown[]) => request({ op: "log", stream: "console", text: parts.map(show).join(" ") + "\n" }),
  error: (...parts: unknown[]) => request({ op: "log", stream: "console", text: parts.map(show).join(" ") + "\n" }),
};
