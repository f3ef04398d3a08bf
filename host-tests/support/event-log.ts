/** Events the device side posted, with a way to wait for one that matches. */
export class EventLog<E> {
  readonly events: E[] = [];
  private waiters: { test: (event: E) => boolean; resolve: (event: E) => void }[] = [];

  push(event: E): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.test(event)) return true;
      waiter.resolve(event);
      return false;
    });
  }

  /** The first event (already seen or still to come) that passes `test`. */
  waitFor(test: (event: E) => boolean, what: string, timeoutMs = 20000): Promise<E> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
        reject(new Error(`no ${what} event arrived; events so far: ${JSON.stringify(this.events.map(summary))}`));
      }, timeoutMs);
      const done = (event: E): void => {
        clearTimeout(timer);
        resolve(event);
      };
      this.waiters.push({ test, resolve: done });
    });
  }
}

function summary(event: unknown): unknown {
  if (event && typeof event === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event)) copy[key] = value instanceof Uint8Array ? `<${value.length} bytes>` : value;
    return copy;
  }
  return event;
}
