/** Counts the connections a server holds against its limit (maxConnections). */
export class Admission {
  open = 0;
  constructor(readonly limit: number) {}

  /** True when one more fits; the caller must call leave() once when it ends. */
  enter(): boolean {
    if (this.open >= this.limit) return false;
    this.open++;
    return true;
  }

  leave(): void {
    if (this.open > 0) this.open--;
  }
}

export const DEFAULT_MAX_CONNECTIONS = Object.freeze({
  /** Node: a host has room for many. */
  host: 64,
  /** A device: each connection holds lwIP buffers and some XS heap (see docs/server.md). */
  device: 4,
} as const);
