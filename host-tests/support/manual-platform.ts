import { randomFillSync } from "node:crypto";
import type { Platform, TimerHandle } from "../../modules/platform/platform";
import { nodePlatform } from "../../node/platform";

interface ManualTimer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A Platform whose clock only moves when a test calls advance(): timers fire
 * in due order, each at its own time, so backoff delays and heartbeat
 * deadlines are exercised without wall-clock sleeps. I/O stays real.
 * Randomness comes from node:crypto unless a test supplies its own bytes.
 */
export class ManualPlatform implements Platform {
  private clock = 0;
  private nextId = 1;
  private timers: ManualTimer[] = [];
  private random: (bytes: Uint8Array) => void;

  constructor(options: { random?: (bytes: Uint8Array) => void } = {}) {
    this.random = options.random ?? ((bytes) => { randomFillSync(bytes); });
  }

  now(): number {
    return this.clock;
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, at: this.clock + Math.max(0, ms), callback });
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  randomFill(bytes: Uint8Array): void {
    this.random(bytes);
  }

  /** Replace the random source (e.g. constant bytes for a predictable jitter). */
  setRandom(random: (bytes: Uint8Array) => void): void {
    this.random = random;
  }

  decodeUtf8 = nodePlatform.decodeUtf8;
  encodeUtf8 = nodePlatform.encodeUtf8;

  /** Move the clock forward by `ms`, firing every timer that falls due, earliest first (ties in creation order). */
  advance(ms: number): void {
    const end = this.clock + ms;
    for (;;) {
      const due = this.timers
        .filter((timer) => timer.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.clock = due.at;
      due.callback();
    }
    this.clock = end;
  }

  /** ms until the next timer is due, or undefined when none is pending. */
  nextTimerIn(): number | undefined {
    if (this.timers.length === 0) return undefined;
    return Math.min(...this.timers.map((timer) => timer.at)) - this.clock;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}

/** Random bytes that all equal `value`: 0xff gives a jitter factor just under 1, 0 gives 0. */
export function constantBytes(value: number): (bytes: Uint8Array) => void {
  return (bytes) => { bytes.fill(value); };
}
