import { closeBody } from "../core/close";
import { CLOSING, CONNECTING, OPEN } from "../core/connection";
import { WebSocketError } from "../core/errors";
import { encodeUtf8 } from "../core/utf8";
import type { TimerHandle } from "../platform/platform";
import { backoffDelay } from "./backoff";
import { Client, type ClientListener, type OpenInfo } from "../client/client";
import { Heartbeat, type HeartbeatOwner } from "./heartbeat";
import { toPayload, type SendData } from "../endpoint/payload";
import { resolveReconnectOptions, type ReconnectOptions, type ResolvedReconnectOptions } from "./reconnect-options";
import type { Runtime } from "../endpoint/runtime";
import { SendQueue, checkQueueableFrame, payloadLength, type QueuedSend } from "./send-queue";

export { RECONNECT_DEFAULTS, type ReconnectOptions } from "./reconnect-options";

export interface ReconnectListener extends ClientListener {
  /** A reconnect is scheduled: `attempt` counts from 1 since the backoff last reset; `delay` is in ms. */
  onReconnecting?(attempt: number, delay: number): void;
  /** Messages that will never be sent: overflow of the offline queue, or still queued when the user gave up/closed. */
  onUndelivered?(count: number, bytes: number, reason: string): void;
}

/**
 * One connection attempt: its Client, its transport, and why it was dropped.
 * It is its Client's listener and its heartbeat's owner, and passes events
 * on only while it is the current attempt: one object per attempt instead of
 * a closure per event (the XS heap rule, ARCHITECTURE.md).
 */
const DEAD = 1;
const HOPELESS = 2;

class Attempt implements ClientListener, HeartbeatOwner {
  client: Client | null = null;
  openedAt: number | undefined = undefined;
  /**
   * DEAD: the heartbeat declared the link dead and is tearing it down. HOPELESS: failed in a way another
   * attempt cannot fix (the certificate bundle cannot serve the host). One field: a slot each on XS.
   */
  flags = 0;
  private readonly owner: ReconnectingClient;

  constructor(owner: ReconnectingClient) {
    this.owner = owner;
  }

  onOpen(info: OpenInfo): void {
    if (this.owner.isCurrent(this)) this.owner.attemptOpened(this, info);
  }
  onMessage(data: string | Uint8Array, binary: boolean): void {
    if (this.owner.isCurrent(this)) this.owner.userListener.onMessage?.(data, binary);
  }
  onFragment(data: string | Uint8Array, binary: boolean, final: boolean): void {
    if (this.owner.isCurrent(this)) this.owner.userListener.onFragment?.(data, binary, final);
  }
  onPing(payload: Uint8Array): void {
    if (this.owner.isCurrent(this)) this.owner.userListener.onPing?.(payload);
  }
  onPong(payload: Uint8Array): void {
    if (this.owner.isCurrent(this)) this.owner.userListener.onPong?.(payload);
  }
  onError(error: WebSocketError): void {
    if (!this.owner.isCurrent(this)) return;
    if (error.code === "CERT_BUNDLE") this.flags |= HOPELESS;
    this.owner.userListener.onError?.(error);
  }
  onDrain(): void {
    if (this.owner.isCurrent(this)) this.owner.userListener.onDrain?.();
  }
  onBytes(): void {
    if (this.owner.isCurrent(this)) this.owner.bytesSeen();
  }
  onClose(code: number, reason: string, wasClean: boolean): void {
    if (this.owner.isCurrent(this)) this.owner.attemptClosed(this, code, reason, wasClean);
  }

  heartbeatPing(): void {
    this.client?.ping();
  }
  heartbeatDead(): void {
    this.owner.attemptDead(this);
  }
}

type Phase = "connecting" | "waiting" | "closed";

/**
 * A connection that stays up: one Client per attempt, exponential backoff
 * with full jitter between attempts, a keep-alive heartbeat with a deadline,
 * and a bounded queue for sends while disconnected. Every message accepted
 * by send() is handed to an open connection or reported via onUndelivered.
 */
export class ReconnectingClient {
  readonly url: string;
  private readonly rawUrl: string;
  private readonly runtime: Runtime;
  private readonly settings: ResolvedReconnectOptions;
  private readonly listener: ReconnectListener;
  /** Sends held while disconnected; made on the first one. */
  private queue: SendQueue | undefined;
  private current: Attempt | null = null;
  private phase: Phase = "connecting";
  private userClosed = false;
  private retries = 0;
  private retryTimer: TimerHandle | undefined;
  /** Identifies the live retry timer, so a stale callback does nothing. */
  private retryToken = 0;
  private heartbeat: Heartbeat | null = null;

  constructor(runtime: Runtime, url: string, options: ReconnectOptions, listener: ReconnectListener) {
    this.rawUrl = url;
    this.runtime = runtime;
    this.listener = listener;
    this.settings = resolveReconnectOptions(options); // checked here; each attempt's Client options are in it
    const client = this.connect(); // bad URL, protocols or headers throw here, as Client does
    this.url = client.url;
  }

  /** CONNECTING while connecting or waiting to retry; CLOSED only when no reconnect will follow. */
  get readyState(): 0 | 1 | 2 | 3 {
    if (this.phase === "closed") return 3;
    if (this.phase === "waiting") return CONNECTING;
    const attempt = this.current;
    if (!attempt?.client) return CONNECTING;
    if (attempt.flags & DEAD) return CLOSING;
    return attempt.client.readyState;
  }

  get online(): boolean {
    return this.readyState === OPEN;
  }

  /** Reconnect attempts since the backoff last reset (0: none). */
  get attempt(): number {
    return this.retries;
  }

  get protocol(): string {
    return this.current?.client?.protocol ?? "";
  }

  /** Bytes queued in the transport plus bytes waiting in the offline queue. */
  get bufferedAmount(): number {
    return (this.current?.client?.bufferedAmount ?? 0) + (this.queue?.bytes ?? 0);
  }

  /** Bytes in the offline queue only. */
  get queuedAmount(): number {
    return this.queue?.bytes ?? 0;
  }

  /**
   * Send now when online; otherwise queue (or throw SEND_FAILED with
   * offline: "reject"). A message that does not fit the queue is reported
   * through onUndelivered. Throws INVALID_STATE after close().
   */
  send(data: SendData): void {
    this.checkNotClosed("send");
    const payload = toPayload(data);
    const binary = typeof payload !== "string";
    if (this.online && this.current!.client!.send(payload, binary)) return;
    this.enqueue({ kind: "message", data: payload, binary, bytes: payloadLength(payload) });
  }

  /**
   * Send one raw frame (seed 001). Data frames sent while disconnected are
   * queued like messages; ping and pong frames are not, and throw SEND_FAILED.
   */
  sendFrame(fin: boolean, opcode: number, data: SendData): void {
    this.checkNotClosed("sendFrame");
    const payload = toPayload(data);
    if (this.online && this.current!.client!.sendFrame(fin, opcode, payload)) return;
    const bytes = payloadLength(payload);
    if (!checkQueueableFrame(fin, opcode, bytes)) {
      throw new WebSocketError(
        "SEND_FAILED",
        `control frame 0x${opcode.toString(16)} not sent: not connected (control frames are never queued)`,
      );
    }
    this.enqueue({ kind: "frame", fin, opcode, data: payload, bytes });
  }

  /** Ping the server; false (nothing sent) when not connected. */
  ping(data?: SendData): boolean {
    if (!this.online) return false;
    return this.current!.client!.ping(data);
  }

  /**
   * The user's own close: no reconnect after it. Starts the closing handshake
   * (or aborts an attempt still opening); while waiting to retry, ends at once
   * with onError(ABORTED) and onClose(1006). Anything still queued is reported.
   */
  close(code?: number, reason?: string, anyWireCode = false): void {
    // invalid arguments throw before anything changes
    closeBody(code, reason, anyWireCode, this.runtime.platform.encodeUtf8 ?? encodeUtf8);
    if (this.phase === "closed" || this.userClosed) return;
    this.userClosed = true;
    if (this.phase === "waiting") {
      this.stopRetryTimer();
      this.finish(
        1006,
        "",
        false,
        new WebSocketError("ABORTED", "closed while waiting to reconnect", { closeCode: 1006 }),
        "closed by the user",
      );
      return;
    }
    // From here the close timeout guards the link; a heartbeat verdict would only blur the reason.
    this.heartbeat?.stop();
    this.current?.client?.close(code, reason, anyWireCode);
  }

  /** Stop reading from the current connection (flow control for pull-style APIs such as seed 001's recv()). */
  pause(): void {
    this.current?.client?.pause();
  }

  resume(): void {
    this.current?.client?.resume();
  }

  // ---- attempts ----

  private connect(): Client {
    const attempt = new Attempt(this);
    this.current = attempt;
    this.phase = "connecting";
    const client = new Client(this.runtime, this.rawUrl, this.settings.client, attempt);
    attempt.client = client;
    return client;
  }

  // ---- calls from the current attempt ----

  /** @internal */
  isCurrent(attempt: Attempt): boolean {
    return this.current === attempt;
  }

  /** @internal */
  get userListener(): ReconnectListener {
    return this.listener;
  }

  /** @internal bytes arrived on the current attempt's connection. */
  bytesSeen(): void {
    this.heartbeat?.seen();
  }

  /** @internal */
  attemptOpened(attempt: Attempt, info: OpenInfo): void {
    attempt.openedAt = this.runtime.platform.now();
    const { keepAlive, keepAliveTimeout } = this.settings;
    if (keepAlive > 0) {
      this.heartbeat = new Heartbeat(this.runtime.platform, keepAlive, keepAliveTimeout, attempt);
      this.heartbeat.start();
    }
    this.flush(attempt);
    if (this.current === attempt && !(attempt.flags & DEAD)) this.listener.onOpen?.(info);
  }

  /** @internal the heartbeat found the attempt's link dead. */
  attemptDead(attempt: Attempt): void {
    if (this.current !== attempt || !attempt.client) return;
    attempt.flags |= DEAD;
    attempt.client.drop(
      new WebSocketError(
        "HEARTBEAT_TIMEOUT",
        `no pong or other data within ${this.settings.keepAliveTimeout} ms of a keep-alive ping: heartbeat timeout`,
        { closeCode: 1006 },
      ),
    );
  }

  /** @internal */
  attemptClosed(attempt: Attempt, code: number, reason: string, wasClean: boolean): void {
    this.heartbeat?.stop();
    this.heartbeat = null;
    if (attempt.flags & DEAD && code === 1006) reason = "heartbeat timeout";
    const reconnect = this.settings.reconnect;
    const now = this.runtime.platform.now();
    if (reconnect && attempt.openedAt !== undefined && now - attempt.openedAt >= reconnect.resetAfter) this.retries = 0;
    const wanted =
      !this.userClosed &&
      !(attempt.flags & HOPELESS) &&
      reconnect !== null &&
      (code === 1006 || reconnect.onCloseCodes.includes(code));
    if (!wanted) {
      const why = this.userClosed
        ? "closed by the user"
        : attempt.flags & HOPELESS
          ? "the certificate bundle cannot serve this host: not reconnecting"
          : `connection closed (${code}) without reconnect`;
      const debug = this.runtime.platform.debug;
      if (debug) debug(`reconnect: not retrying after ${code}: ${reconnect === null ? "reconnect is off" : why}`);
      this.finish(code, reason, wasClean, undefined, why);
      return;
    }
    if (this.retries >= reconnect.maxAttempts) {
      const debug = this.runtime.platform.debug;
      if (debug) debug(`reconnect: giving up after ${this.retries} attempts (maxAttempts)`);
      this.finish(code, reason, wasClean, undefined, `gave up after ${this.retries} reconnect attempts`);
      return;
    }
    this.retries++;
    const retry = this.retries;
    const delay = backoffDelay(retry, reconnect.baseDelay, reconnect.maxDelay, (bytes) =>
      this.runtime.platform.randomFill(bytes),
    );
    this.phase = "waiting";
    this.current = null;
    const token = ++this.retryToken;
    this.retryTimer = this.runtime.platform.setTimer(() => this.retryNow(token), delay);
    const debug = this.runtime.platform.debug;
    if (debug) debug(`reconnect: attempt ${retry} in ${delay} ms after close ${code}`);
    this.listener.onClose?.(code, reason, wasClean);
    // The user may have closed from inside onClose.
    if (this.phase === "waiting" && this.retryToken === token) this.listener.onReconnecting?.(retry, delay);
  }

  private retryNow(token: number): void {
    if (this.retryToken !== token || this.phase !== "waiting") return;
    this.retryTimer = undefined;
    try {
      this.connect();
    } catch (error) {
      // The same arguments worked for the first attempt; a throwing transport factory is all that is left.
      const reported =
        error instanceof WebSocketError
          ? error
          : new WebSocketError("CONNECTION_FAILED", `reconnect failed: ${String(error)}`, { cause: error });
      this.finish(1006, "", false, reported, "reconnect failed");
    }
  }

  /** No more attempts: report what stays queued, then the final close. */
  private finish(
    code: number,
    reason: string,
    wasClean: boolean,
    error: WebSocketError | undefined,
    why: string,
  ): void {
    this.phase = "closed";
    this.current = null;
    if (error) this.listener.onError?.(error);
    this.reportQueue(why);
    this.listener.onClose?.(code, reason, wasClean);
  }

  // ---- the offline queue ----

  private enqueue(item: QueuedSend): void {
    const maxBytes = this.settings.offlineMaxBytes;
    if (maxBytes === null) {
      throw new WebSocketError(
        "SEND_FAILED",
        `not sent: not connected${this.phase === "waiting" ? ` (waiting to reconnect, attempt ${this.retries})` : ""}` +
          " and offline sends are rejected",
      );
    }
    const queue = (this.queue ??= new SendQueue(maxBytes));
    if (!queue.push(item)) {
      this.listener.onUndelivered?.(
        1,
        item.bytes,
        `offline queue full: ${item.bytes} bytes do not fit (${queue.bytes} of ${queue.maxBytes} bytes used)`,
      );
    }
  }

  /** Queued sends go out first, in order, as soon as a connection opens. */
  private flush(attempt: Attempt): void {
    const queue = this.queue;
    const client = attempt.client;
    if (!queue || !client) return;
    for (let item = queue.peek(); item; item = queue.peek()) {
      let sent: boolean;
      try {
        sent =
          item.kind === "message"
            ? client.send(item.data, item.binary)
            : client.sendFrame(item.fin, item.opcode, item.data);
      } catch (error) {
        // e.g. a queued continuation frame whose message began on a connection that is gone
        queue.shift();
        this.listener.onUndelivered?.(1, item.bytes, `queued frame rejected: ${(error as Error).message}`);
        continue;
      }
      if (!sent) return;
      queue.shift();
    }
  }

  private reportQueue(why: string): void {
    if (!this.queue || this.queue.length === 0) return;
    const { count, bytes } = this.queue.drain();
    this.listener.onUndelivered?.(count, bytes, why);
  }

  private checkNotClosed(what: string): void {
    if (this.phase === "closed" || this.userClosed) {
      throw new WebSocketError(
        "INVALID_STATE",
        `${what}() after the connection was closed${this.userClosed ? " by close()" : ""}`,
      );
    }
  }

  private stopRetryTimer(): void {
    this.retryToken++;
    if (this.retryTimer !== undefined) {
      this.runtime.platform.clearTimer(this.retryTimer);
      this.retryTimer = undefined;
    }
  }
}
