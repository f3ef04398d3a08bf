import type { WebSocketError } from "../core/errors";

/** Minimal DOM-style events: XS on a device has no EventTarget. */
export class WsEvent {
  readonly type: string;
  target: unknown = null;
  constructor(type: string) {
    this.type = type;
  }
}

export class MessageEvent<T = string | ArrayBuffer> extends WsEvent {
  readonly data: T;
  constructor(data: T) {
    super("message");
    this.data = data;
  }
}

export class CloseEvent extends WsEvent {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(code: number, reason: string, wasClean: boolean) {
    super("close");
    this.code = code;
    this.reason = reason;
    this.wasClean = wasClean;
  }
}

export class ErrorEvent extends WsEvent {
  readonly error: WebSocketError;
  readonly message: string;
  constructor(error: WebSocketError) {
    super("error");
    this.error = error;
    this.message = error.message;
  }
}

export type Listener<E> = ((event: E) => void) | { handleEvent(event: E): void };

interface Registration {
  listener: Listener<never>;
  once: boolean;
}

/** addEventListener / removeEventListener / dispatch, as EventTarget has them. */
export class EventEmitterTarget {
  /** Made at the first addEventListener: most sockets only use the on<event> handlers (XS heap on a device). */
  private registrations: Map<string, Registration[]> | null = null;

  addEventListener(type: string, listener: Listener<never> | null, options?: { once?: boolean } | boolean): void {
    if (!listener) return;
    const registrations = this.registrations ??= new Map<string, Registration[]>();
    const list = registrations.get(type) ?? [];
    if (list.some((r) => r.listener === listener)) return;
    list.push({ listener, once: typeof options === "object" && options !== null && options.once === true });
    registrations.set(type, list);
  }

  removeEventListener(type: string, listener: Listener<never> | null): void {
    const list = this.registrations?.get(type);
    if (!list || !listener) return;
    const i = list.findIndex((r) => r.listener === listener);
    if (i >= 0) list.splice(i, 1);
  }

  protected dispatch(event: WsEvent, handler: ((event: never) => void) | null): void {
    event.target = this;
    if (handler) call(handler as Listener<WsEvent>, event, this);
    const list = this.registrations?.get(event.type);
    if (!list) return;
    for (const r of list.slice()) {
      if (r.once) this.removeEventListener(event.type, r.listener);
      call(r.listener as Listener<WsEvent>, event, this);
    }
  }
}

function call(listener: Listener<WsEvent>, event: WsEvent, self: unknown): void {
  if (typeof listener === "function") listener.call(self, event);
  else listener.handleEvent(event);
}
