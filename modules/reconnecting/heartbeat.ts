import type { Platform, TimerHandle } from "../platform/platform";

/**
 * What the heartbeat asks of the connection it watches (an object, not two closures: the XS heap rule,
 * ARCHITECTURE.md).
 */
export interface HeartbeatOwner {
  /** Send a keep-alive ping. */
  heartbeatPing(): void;
  /** Nothing arrived in time after a ping: the link is dead. */
  heartbeatDead(): void;
}

/**
 * Keep-alive with a deadline over one timer. A ping goes out only when
 * nothing arrived for `interval` ms; after it, anything received (a pong or
 * any other bytes) proves the link alive. Nothing within `timeout` ms means
 * the link is dead even though TCP still looks open (a black hole).
 */
export class Heartbeat {
  private readonly platform: Platform;
  private readonly interval: number;
  private readonly timeout: number;
  private readonly owner: HeartbeatOwner;
  private timer: TimerHandle | undefined;
  private lastSeen = 0;
  private awaiting = false;
  private running = false;

  constructor(platform: Platform, interval: number, timeout: number, owner: HeartbeatOwner) {
    this.platform = platform;
    this.interval = interval;
    this.timeout = timeout;
    this.owner = owner;
  }

  start(): void {
    this.running = true;
    this.awaiting = false;
    this.lastSeen = this.platform.now();
    this.schedule(this.interval);
  }

  /** Bytes arrived from the peer. */
  seen(): void {
    if (!this.running) return;
    this.lastSeen = this.platform.now();
    if (this.awaiting) {
      this.awaiting = false;
      this.schedule(this.interval);
    }
  }

  stop(): void {
    this.running = false;
    this.awaiting = false;
    if (this.timer !== undefined) {
      this.platform.clearTimer(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.running) return;
    if (this.awaiting) {
      this.stop();
      this.owner.heartbeatDead();
      return;
    }
    const idle = this.platform.now() - this.lastSeen;
    if (idle < this.interval) {
      this.schedule(this.interval - idle);
      return;
    }
    this.awaiting = true;
    this.schedule(this.timeout);
    this.owner.heartbeatPing();
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) this.platform.clearTimer(this.timer);
    this.timer = this.platform.setTimer(() => this.tick(), ms);
  }
}
