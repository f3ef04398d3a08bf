/**
 * Parent side of the simulator's `embedded:io/socket/listener`: real
 * node:net servers on 127.0.0.1. An accepted socket waits paused (its bytes
 * stay in Node) until the worker reads it from the listener and makes a TCP
 * socket `from` it; then the bridge adopts it as an ordinary bridged socket,
 * writable at once as lwIP reports an accepted socket.
 */
import net from "node:net";
import type { WireHeader } from "./shims/wire";

export interface ListenerHost {
  /** Wire an accepted, connected socket into the bridge; returns its socket id. */
  adopt(socket: net.Socket): number;
  /** Post an event to the worker when it is free, built then (undefined: nothing to post). */
  notify(build: () => WireHeader | undefined): void;
  log(text: string): void;
}

interface BridgedListener {
  id: number;
  server: net.Server;
  port: number;
  /** Accepted connections not yet read by the worker. */
  waiting: net.Socket[];
  listening: Promise<number>;
  /** An event is on its way: later arrivals ride on it (lwIP coalesces the same way). */
  notifying: boolean;
}

export class ListenerBridge {
  private readonly listeners = new Map<number, BridgedListener>();
  /** Connections the worker read but has not yet turned into a TCP socket. */
  private readonly handed = new Map<number, net.Socket>();
  private nextId = 1;

  constructor(private readonly host: ListenerHost) {}

  /**
   * The worker's constructor is synchronous but Node binds asynchronously:
   * the port reads 0 until bound; tests wait with bound().
   */
  open(port: number, address: string | undefined): { header: WireHeader } {
    const bind = address ?? "127.0.0.1";
    if (!bind.startsWith("127.")) throw new Error(`the simulator listens on 127.0.0.1 only, not ${bind}`);
    const server = net.createServer({ pauseOnConnect: true });
    const entry: BridgedListener = { id: this.nextId++, server, port: 0, waiting: [], listening: Promise.resolve(0), notifying: false };
    server.on("connection", (socket) => {
      socket.on("error", () => undefined); // reported once adopted; a waiting socket that fails is skipped on read
      entry.waiting.push(socket);
      if (entry.notifying) return;
      entry.notifying = true;
      // The count is taken when the worker is free to take it: what waits then.
      this.host.notify(() => {
        entry.notifying = false;
        const waiting = entry.waiting.filter((s) => !s.destroyed).length;
        return this.listeners.has(entry.id) && waiting > 0 ? { t: "listener", id: entry.id, readable: waiting } : undefined;
      });
    });
    entry.listening = new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, bind, () => {
        entry.port = (server.address() as net.AddressInfo).port;
        resolve(entry.port);
      });
    });
    entry.listening.catch((error: Error) => this.host.log(`[bridge] listener on port ${port}: ${error.message}\n`));
    this.listeners.set(entry.id, entry);
    return { header: { id: entry.id } };
  }

  /** Ports of every open listener, once bound. */
  bound(): Promise<number[]> {
    return Promise.all(Array.from(this.listeners.values(), (entry) => entry.listening));
  }

  read(id: number): { header: WireHeader } {
    const entry = this.require(id);
    let socket = entry.waiting.shift();
    while (socket && socket.destroyed) socket = entry.waiting.shift();
    if (!socket) return { header: { none: true } };
    const handle = this.nextId++;
    this.handed.set(handle, socket);
    return { header: { handle } };
  }

  /** `new TCP({ from })` in the worker. */
  from(handle: number): { header: WireHeader } {
    const socket = this.handed.get(handle);
    if (!socket) throw new Error("invalid from");
    this.handed.delete(handle);
    return { header: { id: this.host.adopt(socket) } };
  }

  port(id: number): { header: WireHeader } {
    return { header: { port: this.require(id).port } };
  }

  close(id: number): void {
    const entry = this.listeners.get(id);
    if (!entry) return;
    this.listeners.delete(id);
    for (const socket of entry.waiting) socket.destroy();
    entry.server.close();
  }

  dispose(): void {
    for (const id of Array.from(this.listeners.keys())) this.close(id);
    for (const socket of this.handed.values()) socket.destroy();
    this.handed.clear();
  }

  private require(id: number): BridgedListener {
    const entry = this.listeners.get(id);
    if (!entry) throw new Error("closed");
    return entry;
  }
}
