/**
 * The simulator's `timer` module: Moddable's Timer API (set, repeat,
 * schedule, clear, delay) backed by real timers in the Node parent, which
 * fires them by sending an event to the worker.
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
    timer.repeating = repeat !== undefined;
    live.set(timer.id, timer);
    request({ op: "timer.set", id: timer.id, ms: interval, repeat: repeat ?? null });
  }

  static clear(timer: Timer | undefined | null): void {
    if (!timer || !live.has(timer.id)) return;
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
  if (!timer.repeating) live.delete(timer.id);
  timer.callback(timer);
});

export default Timer;
