import { WebSocketError } from "../core/errors";

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

/**
 * What addEventListener's `signal` needs of an AbortSignal (XS on a device has none of its own; any object with these
 * works).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: { handleEvent(): void }, options?: { once?: boolean }): void;
}

/**
 * addEventListener's third argument, as the DOM has it (`capture` and `passive` change nothing on a socket: it has no
 * tree).
 */
export interface AddEventListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  /** Aborted already: the listener is not added. Aborted later: it is removed (DOM). */
  signal?: AbortSignalLike;
}

interface Registration {
  readonly listener: Listener<never>;
  readonly once: boolean;
  /** Set once removed, so a dispatch already under way skips it (DOM). */
  removed?: boolean;
}

/** Event type → the event its listeners get, as lib.dom's WebSocketEventMap (types only). */
export type EventMap<M> = { [K in keyof M]: WsEvent };

/**
 * addEventListener / removeEventListener / dispatch, as EventTarget has them. `M` types the listeners:
 * `addEventListener("message", (e) => e.data)` gets the map's message event; other names get a WsEvent.
 */
export class EventEmitterTarget<M extends EventMap<M> = Record<string, WsEvent>> {
  /**
   * Made at the first addEventListener: most sockets only use the on<event> handlers (the XS heap rule,
   * ARCHITECTURE.md).
   */
  private registrations: Map<string, Registration[]> | null = null;

  addEventListener<K extends keyof M & string>(
    type: K,
    listener: Listener<M[K]> | null,
    options?: AddEventListenerOptions | boolean,
  ): void;
  addEventListener(type: string, listener: Listener<WsEvent> | null, options?: AddEventListenerOptions | boolean): void;
  addEventListener(type: string, listener: Listener<never> | null, options?: AddEventListenerOptions | boolean): void {
    const object = typeof options === "object" && options !== null ? options : undefined;
    const signal = object ? checkSignal(object.signal) : undefined;
    if (!listener) return;
    if (signal && signal.aborted) return;
    const registrations = (this.registrations ??= new Map<string, Registration[]>());
    const list = registrations.get(type) ?? [];
    if (list.some((r) => r.listener === listener)) return;
    const registration: Registration = { listener, once: object?.once === true };
    list.push(registration);
    registrations.set(type, list);
    if (signal) signal.addEventListener("abort", new SignalRemoval(this, type, registration), { once: true });
  }

  removeEventListener<K extends keyof M & string>(type: K, listener: Listener<M[K]> | null): void;
  removeEventListener(type: string, listener: Listener<WsEvent> | null): void;
  removeEventListener(type: string, listener: Listener<never> | null): void {
    const list = this.registrations?.get(type);
    if (!list || !listener) return;
    for (const r of list) {
      if (r.listener === listener) {
        this.removeRegistration(type, r);
        return;
      }
    }
  }

  /** @internal the one way a registration goes: by removeEventListener, `once`, or its signal. */
  removeRegistration(type: string, registration: Registration): void {
    const list = this.registrations?.get(type);
    const i = list ? list.indexOf(registration) : -1;
    if (i < 0) return;
    registration.removed = true;
    list!.splice(i, 1);
  }

  protected dispatch(event: WsEvent, handler: ((event: never) => void) | null): void {
    event.target = this;
    if (handler) call(handler as Listener<WsEvent>, event, this);
    const list = this.registrations?.get(event.type);
    if (!list) return;
    for (const r of list.slice()) {
      if (r.removed) continue;
      if (r.once) this.removeRegistration(event.type, r);
      call(r.listener as Listener<WsEvent>, event, this);
    }
  }
}

/** A signal's abort listener: one small object per signal-bound registration, not a closure (XS heap). */
class SignalRemoval {
  private readonly target: EventEmitterTarget;
  private readonly type: string;
  private readonly registration: Registration;
  constructor(target: EventEmitterTarget, type: string, registration: Registration) {
    this.target = target;
    this.type = type;
    this.registration = registration;
  }
  handleEvent(): void {
    this.target.removeRegistration(this.type, this.registration);
  }
}

function checkSignal(signal: unknown): AbortSignalLike | undefined {
  if (signal === undefined) return undefined;
  const s = signal as { aborted?: unknown; addEventListener?: unknown } | null;
  if (
    s === null ||
    typeof s !== "object" ||
    typeof s.aborted !== "boolean" ||
    typeof s.addEventListener !== "function"
  ) {
    throw new WebSocketError(
      "INVALID_ARGUMENT",
      "addEventListener's signal must be an AbortSignal (an object with aborted and addEventListener)",
    );
  }
  return s as AbortSignalLike;
}

function call(listener: Listener<WsEvent>, event: WsEvent, self: unknown): void {
  if (typeof listener === "function") listener.call(self, event);
  else listener.handleEvent(event);
}
