/**
 * Seed 001's LuatOS-style `websocket` module over the one Client:
 *
 *   const ws = websocket.new("ws://host:port/", cert);
 *   ws.on("message", (data) => ...);
 *   while (!(await ws.connect(20000))) await sleep(2000);
 *   ws.sendFrame(true, 0x1, "hello");
 *   const [ok, data] = await ws.recv();
 *
 * LuatOS blocks its task in connect() and recv(); here they return Promises
 * of what the seed returns. `start()` (auto-reconnect with heartbeat) runs on
 * ReconnectingClient and resolves when `websocket.exit(ws)` ends it.
 */
import { Client, type ClientOptions } from "../client/client";
import { checkClientOptions, CLIENT_OPTIONS } from "../client/client-options";
import { toArrayBuffer, type SendData } from "../endpoint/payload";
import type { ClientListener } from "../endpoint/endpoint";
import { ReconnectingClient, type ReconnectListener } from "../reconnecting/reconnecting";
import type { Runtime } from "../endpoint/runtime";
import { CertificateBundle } from "../certs/bundle";
import { tlsFromSeed001, type CertResolver, type Seed001CertTable } from "../certs/seed001";
import { WebSocketError } from "../core/errors";
import { checkOutgoingFrame } from "../core/frame";
import {
  functionOption,
  integerOption,
  knownOptions,
  MAX_SIZE,
  MAX_TIMER_MS,
  msOption,
  numberOption,
  optionError,
  optionsObject,
} from "../core/options";
import { quotePeer } from "../core/peer-text";
import { parseUrl } from "../core/url";
import type { TlsConfig } from "../transport/transport";
import { withEntryDefaults } from "./options";
import { RecvQueue, type RecvResult } from "./recv-queue";

export type { RecvResult } from "./recv-queue";
export type LuatosCert = Seed001CertTable;
export type LuatosState = "CONNECTING" | "OPEN" | "CLOSING" | "CLOSED";
export type LuatosMessage = string | ArrayBuffer;

/** websocket.new()'s third argument (ours, not the seed's). */
export interface LuatosOptions extends Omit<ClientOptions, "tls" | "fragments"> {
  /** Messages recv() may hold before reading from the transport stops (default 8). */
  queueLimit?: number;
  /** Where names in the cert table (e.g. caCert = "localhost_ca") are looked up. */
  certSource?: CertificateBundle | CertResolver;
}

export interface LuatosEvents {
  open: () => void;
  /** Text as a string, binary as an ArrayBuffer. */
  message: (data: LuatosMessage) => void;
  close: (code: number, reason: string, wasClean: boolean) => void;
  /** The error's text, then the WebSocketError itself. */
  error: (message: string, error: WebSocketError) => void;
  pong: (payload: ArrayBuffer) => void;
}
export type LuatosEvent = keyof LuatosEvents;

const EVENTS: readonly string[] = Object.freeze(["open", "message", "close", "error", "pong"]);
const STATES: readonly LuatosState[] = Object.freeze(["CONNECTING", "OPEN", "CLOSING", "CLOSED"]);
const DEFAULT_QUEUE_LIMIT = 8;
/** start()'s keepAlive in seconds: at most what a timer holds once in ms. */
const KEEP_ALIVE_MAX_S = Math.floor(MAX_TIMER_MS / 1000);
/** websocket.new()'s options: the client's but `tls` (the cert table gives it) and `fragments`, and its own two. */
/**
 * Offered subprotocols must be answered: the API has no `protocol` to look at, so a server that selected
 * none would go unnoticed (`requireProtocol: false` opts out). Merged in per connection, not kept per socket.
 */
const REQUIRE_PROTOCOL: ClientOptions = Object.freeze({ requireProtocol: true });

const LUATOS_OPTIONS: readonly string[] = Object.freeze([
  ...CLIENT_OPTIONS.filter((name) => name !== "tls" && name !== "fragments"),
  "queueLimit",
  "certSource",
]);
/** start() reconnects after any close, as the LuatOS loop does: 1006 always, and these codes from the server. */
const RECONNECT_ON = Object.freeze([
  1000, 1001, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
]) as number[]; // ReconnectingClient copies it

function bad(message: string): never {
  throw new WebSocketError("INVALID_ARGUMENT", message);
}

function wrongState(message: string): never {
  throw new WebSocketError("INVALID_STATE", message);
}

export class LuatosWebSocket {
  readonly url: string;
  private readonly runtime: Runtime;
  private readonly options: Omit<LuatosOptions, "queueLimit" | "certSource">;
  private readonly tls: TlsConfig | undefined;
  private readonly callbacks: { [E in LuatosEvent]?: LuatosEvents[E] } = {};
  private readonly queue: RecvQueue;
  /** connect()'s connection. */
  private client: Client | null = null;
  /** start()'s connection loop. */
  private loop: ReconnectingClient | null = null;
  private proc: ((data: LuatosMessage) => void) | null = null;
  private exited = false;
  /** The error that ended the connection, for recv()'s [false, errorText]. */
  private lastError: WebSocketError | null = null;

  constructor(runtime: Runtime, url: string, cert?: LuatosCert | null, options?: LuatosOptions) {
    if (typeof url !== "string") bad(`url must be a string, not ${url === null ? "null" : typeof url}`);
    const all = optionsObject("websocket.new() options", options);
    knownOptions("websocket.new() options", all, LUATOS_OPTIONS);
    const { queueLimit, certSource, ...clientOptions } = all as LuatosOptions;
    const limit = integerOption("queueLimit", queueLimit, 1, MAX_SIZE, DEFAULT_QUEUE_LIMIT);
    if (certSource !== undefined && typeof certSource !== "function" && !(certSource instanceof CertificateBundle)) {
      throw optionError("certSource", certSource, "a CertificateBundle or a function (name, field) => PEM or DER");
    }
    this.url = parseUrl(url).href; // a bad URL throws INVALID_URL here, before any connection
    checkClientOptions(clientOptions, "websocket.new() options"); // here too, not first at connect()
    this.runtime = runtime;
    this.options = clientOptions;
    this.tls = cert === undefined || cert === null ? undefined : tlsFromSeed001(cert, certSource);
    this.queue = new RecvQueue(limit, "not connected: call connect() or start() first");
  }

  /** Register the callback for an event (one per event, as in LuatOS: a new one replaces the old). */
  on<E extends LuatosEvent>(event: E, callback: LuatosEvents[E]): void {
    if (typeof event !== "string" || EVENTS.indexOf(event) < 0)
      bad(`unknown event "${String(event)}" (use ${EVENTS.join(", ")})`);
    if (typeof callback !== "function") bad(`the "${event}" callback must be a function`);
    this.callbacks[event] = callback;
  }

  /**
   * The seed's blocking `ws:connect(timeout)` as a Promise of its boolean:
   * true once the connection is open, false when it failed or `timeoutMs`
   * (TCP + TLS + handshake) ran out, in which case the attempt is aborted
   * and its socket closed. Calling it again after a failure starts anew.
   */
  connect(timeoutMs?: number): Promise<boolean> {
    msOption("timeout", timeoutMs, 1, 0);
    if (this.loop) wrongState("connect() while start() runs; websocket.exit(ws) ends it");
    if (this.client && this.client.readyState !== 3)
      wrongState(`connect() while the connection is ${STATES[this.client.readyState]}`);
    this.exited = false;
    const events = new LuatosWebSocket.ConnectEvents(this);
    const result = new Promise<boolean>((resolve) => {
      events.resolve = resolve;
    });
    const options = withEntryDefaults<ClientOptions>(withEntryDefaults(REQUIRE_PROTOCOL, this.options), {
      tls: this.tls,
      connectTimeout: timeoutMs,
    });
    // Constructed here, not inside the Promise: bad protocols or headers throw to the caller.
    const client: Client = new Client(this.runtime, this.url, options, events);
    events.client = client;
    this.client = client;
    this.lastError = null;
    this.queue.attach(client);
    return result;
  }

  /**
   * One raw frame: fin, opcode 0x0-0xF (reserved opcodes and 0x8 are refused:
   * close() sends close frames), data a string or bytes. The sequence is
   * checked: a continuation only inside a started message, control frames
   * unfragmented and at most 125 bytes. True when sent; false when the
   * connection is closing, closed, or (under start()) between attempts.
   */
  sendFrame(fin: boolean, opcode: number, data: SendData): boolean {
    if (typeof fin !== "boolean") bad(`fin must be a boolean, not ${typeof fin}`);
    if (typeof opcode !== "number") bad(`opcode must be a number, not ${typeof opcode}`);
    if (this.loop) {
      if (!this.loop.online) {
        checkFrame(fin, opcode, data);
        return false;
      }
      try {
        this.loop.sendFrame(fin, opcode, data);
      } catch (error) {
        // The link dropped under us: start() sends nothing while disconnected (offline "reject").
        if (error instanceof WebSocketError && error.code === "SEND_FAILED") return false;
        throw error;
      }
      return true;
    }
    if (!this.client) wrongState("sendFrame() before connect() or start()");
    return this.client.sendFrame(fin, opcode, data);
  }

  /**
   * The next whole message: [true, data] (text a string, binary an
   * ArrayBuffer), or [false, errorText] once the connection is over and
   * nothing is left. Messages go to recv() only while no "message" callback
   * and no start() proc takes them.
   */
  recv(): Promise<RecvResult> {
    return this.queue.recv();
  }

  /** Messages waiting for recv() (not in the seed). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Close with an optional code and reason. Any registered code is allowed,
   * e.g. the seed's `close(1002, "协议错误")`. Under start() this ends the
   * loop as websocket.exit() does.
   */
  close(code?: number, reason?: string): void {
    if (code !== undefined && typeof code !== "number") bad(`close code must be a number, not ${typeof code}`);
    if (reason !== undefined && typeof reason !== "string") bad(`close reason must be a string, not ${typeof reason}`);
    if (this.loop) {
      this.loop.close(code, reason, true);
      return;
    }
    this.client?.close(code, reason, true);
  }

  state(): LuatosState {
    if (this.loop) return STATES[this.loop.readyState];
    return this.client ? STATES[this.client.readyState] : "CLOSED";
  }

  online(): boolean {
    return this.state() === "OPEN";
  }

  /**
   * The seed's task loop: connect, reconnect after every disconnect (waiting
   * a random time up to `reconnTime` ms, default 1000), and ping after
   * `keepAlive` seconds without traffic (a missing answer counts as a lost
   * link). `proc` gets every message. Resolves when websocket.exit(ws) or
   * close() ended the loop.
   */
  start(
    keepAlive?: number | null,
    proc?: ((data: LuatosMessage) => void) | null,
    reconnTime?: number | null,
  ): Promise<void> {
    // Seconds, as the seed has it; 0 or nil: no heartbeat. At most what a timer holds once in ms.
    const keepAliveMs = Math.ceil(
      numberOption("keepAlive (seconds)", keepAlive ?? undefined, 0, KEEP_ALIVE_MAX_S, 0) * 1000,
    );
    functionOption("proc", proc ?? undefined);
    const delay = msOption("reconnTime", reconnTime ?? undefined, 0, 1000);
    if (this.loop) wrongState("start() is already running");
    if (this.client && this.client.readyState !== 3)
      wrongState(`start() while connect()'s connection is ${STATES[this.client.readyState]}; close it first`);
    this.client = null;
    this.exited = false;
    this.proc = proc ?? null;
    const events = new LuatosWebSocket.LoopEvents(this);
    const ended = new Promise<void>((resolve) => {
      events.resolve = resolve;
    });
    const options = withEntryDefaults(withEntryDefaults(REQUIRE_PROTOCOL, this.options), {
      tls: this.tls,
      reconnect: { baseDelay: delay, maxDelay: delay, onCloseCodes: RECONNECT_ON },
      keepAlive: keepAliveMs,
      offline: "reject" as const,
    });
    const loop: ReconnectingClient = new ReconnectingClient(this.runtime, this.url, options, events);
    events.loop = loop;
    this.loop = loop;
    this.lastError = null;
    this.queue.attach(loop);
    return ended;
  }

  /**
   * connect()'s listener: one object per connection whose methods are shared, instead of a
   * closure per event (the XS heap rule, ARCHITECTURE.md). In the class body to reach its owner's internals.
   */
  private static readonly ConnectEvents = class implements ClientListener {
    private readonly owner: LuatosWebSocket;
    client: Client | null = null;
    /** connect()'s Promise, settled once: true at open, false if the connection closes first. */
    resolve: ((ok: boolean) => void) | null = null;
    constructor(owner: LuatosWebSocket) {
      this.owner = owner;
    }
    private settle(ok: boolean): void {
      const resolve = this.resolve;
      this.resolve = null;
      resolve?.(ok);
    }
    // settle() first: a throwing callback must not leave the Promise pending (it resolves after the callback anyway).
    onOpen(): void {
      this.owner.lastError = null;
      this.owner.queue.reapply();
      this.settle(true);
      this.owner.emit("open");
    }
    onMessage(data: string | Uint8Array): void {
      this.owner.deliver(data);
    }
    onPong(payload: Uint8Array): void {
      this.owner.emit("pong", toArrayBuffer(payload.slice()));
    }
    onError(error: WebSocketError): void {
      this.owner.failed(error);
    }
    onClose(code: number, reason: string, wasClean: boolean): void {
      if (this.owner.client === this.client) this.owner.queue.end(this.owner.endText(code, reason));
      this.settle(false);
      this.owner.emit("close", code, reason, wasClean);
    }
  };

  /** start()'s listener, as connect()'s: one object for the whole loop. */
  private static readonly LoopEvents = class implements ReconnectListener {
    private readonly owner: LuatosWebSocket;
    loop: ReconnectingClient | null = null;
    /** start()'s Promise: resolved when the loop ends. */
    resolve: (() => void) | null = null;
    constructor(owner: LuatosWebSocket) {
      this.owner = owner;
    }
    onOpen(): void {
      this.owner.lastError = null;
      this.owner.queue.reapply();
      this.owner.emit("open");
    }
    onMessage(data: string | Uint8Array): void {
      this.owner.deliver(data);
    }
    onPong(payload: Uint8Array): void {
      this.owner.emit("pong", toArrayBuffer(payload.slice()));
    }
    onError(error: WebSocketError): void {
      this.owner.failed(error);
    }
    onClose(code: number, reason: string, wasClean: boolean): void {
      const owner = this.owner;
      // Between attempts the loop reports each close; only the last one ends it.
      if (this.loop && this.loop.readyState === 3) {
        owner.queue.end(owner.endText(code, reason));
        if (owner.loop === this.loop) owner.loop = null;
        owner.proc = null;
        this.resolve?.();
      }
      owner.emit("close", code, reason, wasClean);
    }
  };

  /** websocket.exit(ws): end start()'s loop (or connect()'s connection) for good. */
  exit(): void {
    if (this.exited) return;
    this.exited = true;
    if (this.loop) this.loop.close(1000, "", true);
    else this.client?.close(1000, "", true);
  }

  // ---- internals ----

  private deliver(data: string | Uint8Array): void {
    const message: LuatosMessage = typeof data === "string" ? data : toArrayBuffer(data);
    const callback = this.callbacks.message;
    if (!callback && !this.proc) {
      this.queue.push(message);
      return;
    }
    if (this.proc) this.proc(message);
    if (callback) callback(message);
  }

  private failed(error: WebSocketError): void {
    this.lastError = error;
    this.emit("error", error.message, error);
  }

  private endText(code: number, reason: string): string {
    if (this.lastError) return this.lastError.message;
    return `connection closed (${code}${reason ? ` ${quotePeer(reason)}` : ""})`;
  }

  private emit<E extends LuatosEvent>(event: E, ...args: Parameters<LuatosEvents[E]>): void {
    const callback = this.callbacks[event] as ((...a: Parameters<LuatosEvents[E]>) => void) | undefined;
    if (callback) callback.apply(this, args);
  }
}

/** sendFrame()'s argument checks when nothing can be sent, so bad input fails the same way online or not. */
function checkFrame(fin: boolean, opcode: number, data: SendData): void {
  checkOutgoingFrame(fin, opcode);
  if (typeof data !== "string" && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {
    bad("data must be a string, an ArrayBuffer or an ArrayBufferView");
  }
}

export interface LuatosModule {
  /** websocket.new(url, cert?): a client; nothing connects until connect() or start(). */
  // Quoted: a bare `new(...)` in an interface would declare a constructor signature.
  "new"(url: string, cert?: LuatosCert | null, options?: LuatosOptions): LuatosWebSocket;
  /** websocket.exit(ws): end that client's start() loop. */
  exit(ws: LuatosWebSocket): void;
}

/** An entry's defaults: client options, plus where names in cert tables are found (e.g. the flash bundle). */
export type LuatosDefaults = ClientOptions & Pick<LuatosOptions, "certSource" | "queueLimit">;

/** The seed's module object, bound to a runtime; `defaults` are the entry's options, under the app's. */
export function makeLuatosModule(runtime: Runtime, defaults?: LuatosDefaults): LuatosModule {
  // Consts, not the parameters: a device makes this while modules preload, and the XS linker warns about a parameter a
  // function keeps ("no const").
  const boundRuntime = runtime;
  const entryDefaults = stripTls(defaults);
  return {
    new(url: string, cert?: LuatosCert | null, options?: LuatosOptions): LuatosWebSocket {
      return new LuatosWebSocket(boundRuntime, url, cert, withEntryDefaults(entryDefaults, options));
    },
    exit(ws: LuatosWebSocket): void {
      if (!(ws instanceof LuatosWebSocket)) bad("websocket.exit() needs a client made by websocket.new()");
      ws.exit();
    },
  };
}

/** An entry's `tls` default would override the cert table; its `certificates` provider stays. */
function stripTls(defaults: LuatosDefaults | undefined): LuatosOptions | undefined {
  if (!defaults) return undefined;
  const { tls: _tls, fragments: _fragments, ...rest } = defaults;
  return Object.freeze(rest); // kept by the module object a device makes while modules preload
}
