/**
 * Seed 001's recv(): a pull queue of whole messages with a bound. When it
 * holds `limit` messages it asks its owner to stop reading from the transport
 * (pause), and to read again (resume) once recv() made room. Nothing is ever
 * dropped: messages already decoded from bytes read before the pause still
 * go in, so the queue can briefly hold a few more than `limit`.
 */
export type RecvResult = [true, string | ArrayBuffer] | [false, string];

export interface FlowControl {
  pause(): void;
  resume(): void;
}

export class RecvQueue {
  readonly limit: number;
  // Made when first needed: an app that takes messages through a callback never uses them (the XS heap rule,
  // ARCHITECTURE.md).
  private items: Array<string | ArrayBuffer> | null = null;
  private waiters: Array<(result: RecvResult) => void> | null = null;
  private flow: FlowControl | null = null;
  private paused = false;
  /** Set when no more messages will come: recv() then answers [false, ended]. */
  private ended: string | null;

  constructor(limit: number, notConnected: string) {
    this.limit = limit;
    this.ended = notConnected;
  }

  /** Messages waiting for recv(). */
  get length(): number {
    return this.items ? this.items.length : 0;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** A new source of messages (a connection) starts; `flow` pauses and resumes its reading. */
  attach(flow: FlowControl): void {
    this.flow = flow;
    this.ended = null;
    this.paused = false;
    this.applyFlow();
  }

  /** The source opened its transport: re-apply a pause that a new connection does not know of. */
  reapply(): void {
    if (this.paused) this.flow?.pause();
  }

  push(message: string | ArrayBuffer): void {
    const waiter = this.waiters?.shift();
    if (waiter) {
      waiter([true, message]);
      return;
    }
    (this.items ??= []).push(message);
    this.applyFlow();
  }

  recv(): Promise<RecvResult> {
    const message = this.items?.shift();
    if (message !== undefined) {
      this.applyFlow();
      return Promise.resolve([true, message]);
    }
    if (this.ended !== null) return Promise.resolve([false, this.ended]);
    const waiters = (this.waiters ??= []);
    return new Promise((resolve) => waiters.push(resolve));
  }

  /** No more messages will come; waiting recv() calls get [false, why]. Queued messages stay readable. */
  end(why: string): void {
    this.ended = why;
    this.flow = null;
    this.paused = false;
    const waiters = this.waiters;
    this.waiters = null;
    if (waiters) for (const waiter of waiters) waiter([false, why]);
  }

  private applyFlow(): void {
    const full = this.length >= this.limit;
    if (full && !this.paused) {
      this.paused = true;
      this.flow?.pause();
    } else if (!full && this.paused) {
      this.paused = false;
      this.flow?.resume();
    }
  }
}
