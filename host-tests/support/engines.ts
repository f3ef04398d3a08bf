/**
 * One small script-like API over both engines, so the same test file runs a
 * scenario on Node (V8) and on Moddable's XS engine (the host simulator):
 *
 *   describe.each(engines)("%s", (_name, engine) => { ... engine.open(url) ... })
 *
 * On Node the library's Client runs in the test process on the Node runtime;
 * on XS the same Client runs inside an xsnap worker on the device runtime
 * (ECMA-419 TCP transport, Moddable timers), bridged to real sockets.
 */
import path from "node:path";
import { Client, type ClientListener, type ClientOptions } from "../../modules/client/client";
import { ReconnectingClient, type ReconnectListener, type ReconnectOptions } from "../../modules/reconnecting/reconnecting";
import { nodeRuntime } from "../../node/runtime";
import { EventLog } from "./event-log";
import type { XsMeter } from "../../simulator/engine";
import { PROJECT_ROOT } from "../../simulator/paths";
import { XsSimulator } from "../../simulator/simulator";

/** The device module every XS harness client runs (host-tests/xs/fixtures). */
const CLIENT_HARNESS_ENTRY = path.join(PROJECT_ROOT, "host-tests/xs/fixtures/client-harness.ts");

export type HarnessEvent =
  | { type: "open"; protocol: string; extensions: string; headers: Record<string, string> }
  | { type: "message"; data: string | Uint8Array; binary: boolean }
  | { type: "fragment"; data: string | Uint8Array; binary: boolean; final: boolean }
  | { type: "ping"; payload: Uint8Array }
  | { type: "pong"; payload: Uint8Array }
  | { type: "error"; code: string; message: string; closeCode: number | null }
  | { type: "close"; code: number; reason: string; wasClean: boolean }
  | { type: "drain" }
  | { type: "reconnecting"; attempt: number; delay: number }
  | { type: "undelivered"; count: number; bytes: number; reason: string }
  | { type: "secure-factory"; host: string; port: number; secure: boolean; samePlatform: boolean };

/** Options that cross into the XS worker must be plain data (JSON). */
export type HarnessOptions = Omit<ReconnectOptions, "certificates" | "tls">;

/**
 * client: one connection (Client); reconnecting: ReconnectingClient;
 * secure-routed (XS only): a Client on a device runtime whose wss factory is plain TCP, to test routing.
 */
export type HarnessKind = "client" | "reconnecting" | "secure-routed";

export interface HarnessClient {
  readonly log: EventLog<HarnessEvent>;
  /** The first event of this type (already seen or still to come). */
  next<T extends HarnessEvent["type"]>(type: T, timeoutMs?: number): Promise<Extract<HarnessEvent, { type: T }>>;
  /** All events of this type so far. */
  all<T extends HarnessEvent["type"]>(type: T): Extract<HarnessEvent, { type: T }>[];
  send(data: string | Uint8Array): Promise<boolean>;
  /** send(), then bufferedAmount read in the same turn (nothing can drain in between). */
  sendAndMeasure(data: string | Uint8Array): Promise<{ accepted: boolean; bufferedAmount: number }>;
  sendFrame(fin: boolean, opcode: number, data: string | Uint8Array): Promise<boolean>;
  ping(data?: Uint8Array): Promise<boolean>;
  close(code?: number, reason?: string): Promise<void>;
  state(): Promise<{ readyState: number; bufferedAmount: number; protocol: string }>;
}

export interface Engine {
  readonly name: "node" | "xs";
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Throws what the constructor threw (bad URL, options...) as an Error with the WebSocketError code. */
  open(url: string, options?: HarnessOptions, kind?: HarnessKind): Promise<HarnessClient>;
  /** Exceptions that escaped callbacks inside the engine (should stay empty). */
  uncaught(): string[];
  /** XS only: live heap after a collection. */
  heap?(): Promise<XsMeter>;
}

export class HarnessError extends Error {
  constructor(message: string, readonly code: string | null) {
    super(message);
    this.name = "HarnessError";
  }
}

function makeClient(log: EventLog<HarnessEvent>, calls: Omit<HarnessClient, "log" | "next" | "all">): HarnessClient {
  return {
    log,
    next: (type, timeoutMs) => log.waitFor((e) => e.type === type, type, timeoutMs) as never,
    all: (type) => log.events.filter((e) => e.type === type) as never,
    ...calls,
  };
}

class NodeEngine implements Engine {
  readonly name = "node" as const;
  private readonly errors: string[] = [];
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  uncaught(): string[] {
    return this.errors;
  }

  async open(url: string, options: HarnessOptions = {}, kind: HarnessKind = "client"): Promise<HarnessClient> {
    if (kind === "secure-routed") throw new Error("secure-routed is an XS device-runtime check");
    const log = new EventLog<HarnessEvent>();
    let client: Client | ReconnectingClient;
    const listener: ClientListener & ReconnectListener = {
      onOpen: (info) => log.push({ type: "open", protocol: info.protocol, extensions: info.extensions, headers: Object.fromEntries(info.headers) }),
      onMessage: (data, binary) => log.push({ type: "message", data: copy(data), binary }),
      onFragment: (data, binary, final) => log.push({ type: "fragment", data: copy(data), binary, final }),
      onPing: (payload) => log.push({ type: "ping", payload: Uint8Array.from(payload) }),
      onPong: (payload) => log.push({ type: "pong", payload: Uint8Array.from(payload) }),
      onError: (error) => log.push({ type: "error", code: error.code, message: error.message, closeCode: error.closeCode ?? null }),
      onClose: (code, reason, wasClean) => log.push({ type: "close", code, reason, wasClean }),
      onDrain: () => log.push({ type: "drain" }),
      onReconnecting: (attempt, delay) => log.push({ type: "reconnecting", attempt, delay }),
      onUndelivered: (count, bytes, reason) => log.push({ type: "undelivered", count, bytes, reason }),
    };
    try {
      client = kind === "reconnecting" ? new ReconnectingClient(nodeRuntime, url, options, listener) : new Client(nodeRuntime, url, options, listener);
    } catch (error) {
      const e = error as { message: string; code?: string };
      throw new HarnessError(e.message, e.code ?? null);
    }
    return makeClient(log, {
      send: async (data) => client.send(data) ?? true,
      sendAndMeasure: async (data) => ({ accepted: client.send(data) ?? true, bufferedAmount: client.bufferedAmount }),
      sendFrame: async (fin, opcode, data) => client.sendFrame(fin, opcode, data) ?? true,
      ping: async (data) => client.ping(data),
      close: async (code, reason) => client.close(code, reason),
      state: async () => ({ readyState: client.readyState, bufferedAmount: client.bufferedAmount, protocol: client.protocol }),
    });
  }
}

class XsEngineHarness implements Engine {
  readonly name = "xs" as const;
  private sim: XsSimulator | undefined;
  private readonly logs = new Map<number, EventLog<HarnessEvent>>();

  async start(): Promise<void> {
    this.sim = await XsSimulator.start(CLIENT_HARNESS_ENTRY, {
      onHarnessEvent: (header, body) => this.logs.get(Number(header.id))?.push(decodeEvent(header, body)),
    });
  }

  async stop(): Promise<void> {
    await this.sim?.stop();
    this.sim = undefined;
    this.logs.clear();
  }

  uncaught(): string[] {
    return this.sim ? this.sim.bridge.uncaught : [];
  }

  simulator(): XsSimulator {
    if (!this.sim) throw new Error("xs engine not started");
    return this.sim;
  }

  async heap(): Promise<XsMeter> {
    return this.simulator().heap();
  }

  async open(url: string, options: HarnessOptions = {}, kind: HarnessKind = "client"): Promise<HarnessClient> {
    const sim = this.simulator();
    const log = new EventLog<HarnessEvent>();
    let id: number;
    try {
      // The log must exist before the worker can post its first event.
      const nextId = this.logs.size;
      this.logs.set(nextId, log);
      id = (await sim.call("open", [url, options, kind === "reconnecting", kind === "secure-routed"])).result as number;
      if (id !== nextId) throw new Error(`xs harness: client id ${id}, expected ${nextId}`);
    } catch (error) {
      this.logs.delete(this.logs.size - 1);
      const e = error as { message: string; code?: string | null };
      throw new HarnessError(e.message, e.code ?? null);
    }
    const call = async (name: string, args: unknown[], bytes?: Uint8Array): Promise<unknown> => (await sim.call(name, [id, ...args], bytes)).result;
    const asBytes = (data: string | Uint8Array): Uint8Array => (typeof data === "string" ? new TextEncoder().encode(data) : data);
    return makeClient(log, {
      send: async (data) => ((await call("send", [typeof data === "string"], asBytes(data))) as boolean | null) ?? true,
      sendAndMeasure: async (data) => (await call("sendAndMeasure", [typeof data === "string"], asBytes(data))) as { accepted: boolean; bufferedAmount: number },
      sendFrame: async (fin, opcode, data) => ((await call("sendFrame", [fin, opcode, typeof data === "string"], asBytes(data))) as boolean | null) ?? true,
      ping: async (data) => (await call("ping", [], data)) as boolean,
      close: async (code, reason) => {
        await call("close", [code ?? null, reason ?? null]);
      },
      state: async () => (await call("state", [])) as { readyState: number; bufferedAmount: number; protocol: string },
    });
  }
}

function copy(data: string | Uint8Array): string | Uint8Array {
  return typeof data === "string" ? data : Uint8Array.from(data);
}

function decodeEvent(header: Record<string, unknown>, body: Uint8Array): HarnessEvent {
  const data = (): string | Uint8Array => (header.text ? new TextDecoder().decode(body) : Uint8Array.from(body));
  switch (header.type) {
    case "open":
      return { type: "open", protocol: String(header.protocol), extensions: String(header.extensions), headers: header.headers as Record<string, string> };
    case "message":
      return { type: "message", data: data(), binary: header.binary === true };
    case "fragment":
      return { type: "fragment", data: data(), binary: header.binary === true, final: header.final === true };
    case "ping":
      return { type: "ping", payload: Uint8Array.from(body) };
    case "pong":
      return { type: "pong", payload: Uint8Array.from(body) };
    case "error":
      return { type: "error", code: String(header.code), message: String(header.message), closeCode: (header.closeCode as number | null) ?? null };
    case "close":
      return { type: "close", code: Number(header.code), reason: String(header.reason), wasClean: header.wasClean === true };
    case "reconnecting":
      return { type: "reconnecting", attempt: Number(header.attempt), delay: Number(header.delay) };
    case "secure-factory":
      return { type: "secure-factory", host: String(header.host), port: Number(header.port), secure: header.secure === true, samePlatform: header.samePlatform === true };
    case "undelivered":
      return { type: "undelivered", count: Number(header.count), bytes: Number(header.bytes), reason: String(header.reason) };
    default:
      return { type: "drain" };
  }
}

export function nodeEngine(): Engine {
  return new NodeEngine();
}

export function xsEngine(): Engine & { simulator(): XsSimulator } {
  return new XsEngineHarness();
}

/** For describe.each: [name, factory]. Each describe block starts and stops its own engine. */
export const engines: [string, () => Engine][] = [
  ["node", nodeEngine],
  ["xs", xsEngine],
];
