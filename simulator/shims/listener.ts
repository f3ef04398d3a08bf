/**
 * The simulator's `embedded:io/socket/listener`, as Moddable's lwIP one
 * behaves: `onReadable(count)` when connections wait, `read()` returns one
 * for `new TCP({ from })` (undefined when none waits), `port` the bound port.
 * The real sockets are node:net servers in the parent (listener-bridge.ts);
 * the parent binds asynchronously, so with port 0 `port` reads 0 until bound.
 */
import { onEvent, request } from "./host";

export interface ListenerOptions {
  port?: number;
  address?: string;
  format?: "socket/tcp";
  target?: unknown;
  onReadable?: (this: Listener, requests: number) => void;
}

/** What read() hands to TCP's `from`. */
export class PendingSocket {
  constructor(readonly handle: number) {}
}

const listeners = new Map<number, Listener>();

export default class Listener {
  readonly target: unknown;
  private id: number | undefined;
  private readonly onReadable: ((requests: number) => void) | undefined;

  constructor(options: ListenerOptions) {
    if ((options.format ?? "socket/tcp") !== "socket/tcp") throw new RangeError("unimplemented");
    const port = Number(options.port ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError("invalid port");
    this.target = options.target;
    this.onReadable = options.onReadable;
    const { header } = request({ op: "listener.open", port, address: options.address ?? null });
    this.id = Number(header.id);
    listeners.set(this.id, this);
  }

  get format(): "socket/tcp" {
    return "socket/tcp";
  }

  get port(): number {
    if (this.id === undefined) throw new Error("closed");
    return Number(request({ op: "listener.port", id: this.id }).header.port);
  }

  read(): PendingSocket | undefined {
    if (this.id === undefined) throw new Error("closed");
    const { header } = request({ op: "listener.read", id: this.id });
    return header.none ? undefined : new PendingSocket(Number(header.handle));
  }

  close(): void {
    if (this.id === undefined) return;
    listeners.delete(this.id);
    request({ op: "listener.close", id: this.id });
    this.id = undefined;
  }

  deliver(requests: number): void {
    this.onReadable?.call(this, requests);
  }
}

onEvent("listener", (header) => {
  listeners.get(Number(header.id))?.deliver(Number(header.readable));
});
