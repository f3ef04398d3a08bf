/**
 * Option checks, run once where an options object enters the library (never on
 * a hot path). Each throws INVALID_ARGUMENT naming the option, the value and
 * what is accepted, so a wrong type, NaN or out-of-range value never changes
 * behaviour silently. Device-sized: plain functions, no schema.
 */
import { WebSocketError } from "./errors";

/** The longest timer: setTimeout and Moddable's Timer hold a delay in a signed 32-bit integer (about 24.8 days). */
export const MAX_TIMER_MS = 2147483647;
/**
 * The largest size or count an option may give (2 GiB - 1): a message is assembled into one
 * ArrayBuffer, and no engine this runs on takes one larger than that everywhere.
 */
export const MAX_SIZE = 2147483647;

/** A value as an error message shows it: strings quoted, NaN and objects by kind, long text cut. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (value === null || typeof value !== "object") return typeof value === "function" ? "a function" : String(value);
  if (Array.isArray(value)) return "an array";
  return value instanceof Uint8Array || value instanceof ArrayBuffer ? "bytes" : "an object";
}

export function optionError(name: string, value: unknown, accepted: string): WebSocketError {
  return new WebSocketError("INVALID_ARGUMENT", `${name} must be ${accepted}, got ${describeValue(value)}`);
}

function range(min: number, max: number): string {
  return max === Infinity ? `${min} or more` : `from ${min} to ${max}`;
}

/** An integer in [min, max] (max may be Infinity, which is then accepted too); `fallback` when undefined. */
export function integerOption(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !(value >= min && value <= max) ||
    (value !== Infinity && !Number.isInteger(value))
  ) {
    throw optionError(name, value, `an integer ${range(min, max)}`);
  }
  return value;
}

/** A delay or timeout: whole milliseconds from `min` up to what a timer can hold; `fallback` when undefined. */
export function msOption(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= min && value <= MAX_TIMER_MS) || !Number.isInteger(value)) {
    throw optionError(name, value, `an integer number of ms ${range(min, MAX_TIMER_MS)}`);
  }
  return value;
}

/** A number in [min, max]; `fallback` when undefined. */
export function numberOption(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= min && value <= max))
    throw optionError(name, value, `a number ${range(min, max)}`);
  return value;
}

export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw optionError(name, value, "true or false");
  return value;
}

export function stringOption(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw optionError(name, value, "a string");
  return value;
}

/** A callback; undefined when absent. */
export function functionOption(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function") throw optionError(name, value, "a function");
}

/** The options object itself: undefined is no options; anything but a plain object is refused. */
export function optionsObject(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw optionError(name, value, "an object of options");
  return value as Record<string, unknown>;
}

/**
 * Refuses option names not in `known`: a misspelt option would otherwise be ignored
 * and leave its default in force without a word. A name given as undefined is let
 * through (it asks for the default, as entries merging their defaults pass it).
 */
export function knownOptions(name: string, options: object, known: readonly string[]): void {
  for (const key in options) {
    if (known.indexOf(key) < 0 && (options as Record<string, unknown>)[key] !== undefined) {
      throw new WebSocketError(
        "INVALID_ARGUMENT",
        `${name} has no option ${JSON.stringify(key)} (known: ${known.join(", ")})`,
      );
    }
  }
}
