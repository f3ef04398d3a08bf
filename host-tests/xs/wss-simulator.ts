/**
 * The simulator running the device's wss path (fixtures/wss-device.ts), with
 * one event log per client: what the XS wss tests drive.
 */
import path from "node:path";
import type { BuildOptions } from "../../simulator/build-bridge";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";

export type WssEvent =
  | { type: "open" }
  | { type: "message"; data: string | Uint8Array; binary: boolean }
  | { type: "error"; code: string; message: string }
  | { type: "close"; code: number; reason: string; wasClean: boolean }
  | { type: "drain" };

export interface WssClient {
  id: number;
  log: EventLog<WssEvent>;
  next<T extends WssEvent["type"]>(type: T, timeoutMs?: number): Promise<Extract<WssEvent, { type: T }>>;
  /** The first event, seen or to come, that passes `test`. */
  nextWhere(test: (event: WssEvent) => boolean, timeoutMs?: number): Promise<WssEvent>;
  all<T extends WssEvent["type"]>(type: T): Extract<WssEvent, { type: T }>[];
  send(data: string | Uint8Array): Promise<boolean>;
  close(code?: number, reason?: string): Promise<void>;
}

export const WSS_DEVICE_ENTRY = path.join(__dirname, "fixtures/wss-device.ts");

export class WssSimulator {
  private readonly logs = new Map<number, EventLog<WssEvent>>();

  private constructor(readonly simulator: XsSimulator) {}

  /** `build`: the app's manifests and config (default: manifest_namespaced.json's config). */
  static async start(build?: BuildOptions): Promise<WssSimulator> {
    let self: WssSimulator | undefined;
    const pending: [number, WssEvent][] = [];
    const simulator = await XsSimulator.start(WSS_DEVICE_ENTRY, {
      build,
      onHarnessEvent: (header, body) => {
        const event = decode(header, body);
        if (self) self.log(Number(header.id)).push(event);
        else pending.push([Number(header.id), event]);
      },
    });
    self = new WssSimulator(simulator);
    for (const [id, event] of pending) self.log(id).push(event);
    return self;
  }

  get bridge() {
    return this.simulator.bridge;
  }

  /** Map bytes into the build's flash under `name` (what `Resource` opens). */
  mapResource(name: string, bytes: Uint8Array): void {
    this.simulator.bridge.build.resources.set(name, bytes);
  }

  async open(url: string, options: Record<string, unknown> = {}): Promise<WssClient> {
    const id = (await this.simulator.call("open", [url, options])).result as number;
    const log = this.log(id);
    return {
      id,
      log,
      next: (type, timeoutMs) => log.waitFor((e) => e.type === type, type, timeoutMs) as never,
      nextWhere: (test, timeoutMs) => log.waitFor(test, "matching", timeoutMs),
      all: (type) => log.events.filter((e) => e.type === type) as never,
      send: async (data) =>
        (await this.simulator.call("send", [id, typeof data === "string"], typeof data === "string" ? new TextEncoder().encode(data) : data)).result as boolean,
      close: async (code, reason) => {
        await this.simulator.call("close", [id, code ?? null, reason ?? null]);
      },
    };
  }

  uncaught(): string[] {
    return this.simulator.bridge.uncaught;
  }

  stop(): Promise<void> {
    return this.simulator.stop();
  }

  private log(id: number): EventLog<WssEvent> {
    let log = this.logs.get(id);
    if (!log) {
      log = new EventLog<WssEvent>();
      this.logs.set(id, log);
    }
    return log;
  }
}

function decode(header: Record<string, unknown>, body: Uint8Array): WssEvent {
  switch (header.type) {
    case "open":
      return { type: "open" };
    case "message":
      return { type: "message", data: header.text ? new TextDecoder().decode(body) : Uint8Array.from(body), binary: header.binary === true };
    case "error":
      return { type: "error", code: String(header.code), message: String(header.message) };
    case "close":
      return { type: "close", code: Number(header.code), reason: String(header.reason), wasClean: header.wasClean === true };
    default:
      return { type: "drain" };
  }
}
