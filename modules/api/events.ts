import type { WebSocketError } from "../core/errors";

/**
 * Minimal DOM-style events: XS on a device has no EventTarget. `Target` is the
 * type of the object that dispatches the event (`event.target`, null until then).
 */
export class WsEvent<Target extends object = object> {
  readonly type: string;
  target: Target | null = null;
  constructor(type: string) {
    this.type = type;
  }
}

export class MessageEvent<T = string | ArrayBuffer, Target extends object = object> extends WsEvent<Target> {
  readonly data: T;
  constructor(data: T) {
    super("message");
    this.data = data;
  }
}

export class CloseEvent<Target extends object = object> extends WsEvent<Target> {
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

export class ErrorEvent<Target extends object = object> extends WsEvent<Target> {
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

/** Event type → the event its listeners get, as lib.dom's WebSocketEventMap (types only). */
export type EventMap<M> = { [K in keyof M]: WsEvent };

/**
 * addEventListener / removeEventListener / dispatch, as EventTarget has them. `M` types the listeners:
 * `addEventListener("message", (e) => e.data)` gets the map's message event; other names get a WsEvent.
 */
export class EventEmitterTarget<M extends EventMap<M> = Record<string, WsEvent>> {
  /** Made at the first addEventListener: most sockets only use the on<event> handlers (XS heap on a device). */
  private registrations: Map<string, Registration[]> | null = null;

  addEventListener<K extends keyof M & string>(type: K, listener: Listener<M[K]> | null, options?: { once?: boolean } | boolean): void;
  addEventListener(type: string, listener: Listener<WsEvent> | null, options?: { once?: boolean } | boolean): void;
  addEventListener(type: string, listener: Listener<never> | null, options?: { once?: boolean } | boolean): void {
    if (!listener) return;
    const registrations = this.registrations ??= new Map<string, Registration[]>();
    const list = registrations.get(type) ?? [];
    if (list.some((r) => r.listener === listener)) return;
    list.push({ listener, once: typeof options === "object" && options !== null && options.once === true });
    registrations.set(type, list);
  }

  removeEventListener<K extends keyof M & string>(type: K, listener: Listener<M[K]> | null): void;
  removeEventListener(type: string, listener: Listener<WsEvent> | null): void;
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
      if (r.once) this.removeEventListener(event.type, r.listener as Listener<WsEvent>);
      call(r.listener as Listener<WsEvent>, event, this);
    }
  }
}

function call(listener: Listener<WsEvent>, event: WsEvent, self: unknown): void {
  if (typeof listener === "function") listener.call(self, event);
  else listener.handleEvent(event);
}
