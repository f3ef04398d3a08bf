/**
 * The simulator's `timer` module: Moddable's Timer API (set, repeat,
 * schedule, clear, delay) backed by real timers in the Node parent, which
 * fires them by sending an event to the worker. Strict like Moddable's
 * modTimer.c: clearing a timer that is no longer live throws.
 */
import { onEvent, request } from "./host";

type TimerCallback = (timer: Timer) => void;

const live = new Map<number, Timer>();
let nextId = 1;

class Timer {
  private constructor(
    readonly id: number,
    readonly callback: TimerCallback,
    public repeating: boolean,
  ) {}

  static set(callback: TimerCallback, interval = 0, repeat?: number): Timer {
    const timer = new Timer(nextId++, callback, repeat !== undefined);
    live.set(timer.id, timer);
    request({ op: "timer.set", id: timer.id, ms: interval, repeat: repeat ?? null });
    return timer;
  }

  static repeat(callback: TimerCallback, interval: number): Timer {
    return Timer.set(callback, interval, interval);
  }

  static schedule(timer: Timer, interval = 0, repeat?: number): void {
    if (!live.has(timer.id)) throw new Error("invalid timer");
    timer.repeating = repeat !== undefined;
    live.set(timer.id, timer);
    request({ op: "timer.set", id: timer.id, ms: interval, repeat: repeat ?? null });
  }

  /** As on a device: nothing for a non-object, "invalid timer" for one that fired (one-shot) or was cleared. */
  static clear(timer: Timer | undefined | null): void {
    if (typeof timer !== "object" || timer === null) return;
    if (!live.has(timer.id)) throw new Error("invalid timer");
    live.delete(timer.id);
    request({ op: "timer.clear", id: timer.id });
  }

  /** Blocks the machine, as on a device. */
  static delay(milliseconds: number): void {
    const until = Date.now() + milliseconds;
    while (Date.now() < until);
  }
}

onEvent("timer", (header) => {
  const timer = live.get(Number(header.id));
  if (!timer) return; // cleared after the parent queued the event
  timer.callback(timer);
  // A one-shot timer stays valid during its callback and dies after it (modTimer.c).
  if (!timer.repeating && live.get(timer.id) === timer) {
    live.delete(timer.id);
    request({ op: "timer.clear", id: timer.id });
  }
});

export default Timer;
