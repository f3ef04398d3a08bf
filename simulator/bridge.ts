/**
 * Parent side of the simulator: provides to the XS worker what Moddable
 * provides on a device. Real node:net sockets (127.0.0.1 only), real timers,
 * random bytes, trace/console output. Requests arrive synchronously through
 * issueCommand; asynchronous happenings go back as events through the
 * worker's handleCommand, built when the worker is free (so a "readable"
 * event reports the bytes waiting at that moment, as lwIP does).
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import { decodeWire, encodeWire, type WireHeader } from "./shims/wire";
import type { XsEngine } from "./engine";
import { ListenerBridge } from "./listener-bridge";
import { BuildBridge, type BuildOptions } from "./build-bridge";
import { CompressionBridge } from "./compression-bridge";
import { TlsBridge } from "./tls-bridge";

/** lwIP defaults in ESP-IDF: TCP send buffer and receive window, 4 segments of 1440 bytes. */
export const LWIP_TCP_SND_BUF = 5760;
export const LWIP_TCP_WND = 5760;

export interface BridgeOptions {
  /** Writable count of a connected socket when nothing is in flight. */
  sendBuffer?: number;
  /** Unread bytes held for the worker before the parent stops reading the Node socket. */
  receiveWindow?: number;
  /** Where trace/console output goes (default: kept in `output`). */
  onOutput?(text: string): void;
  /** Messages a device-side harness posts with `request({ op: "event", ... })`. */
  onHarnessEvent?(header: WireHeader, body: Uint8Array): void;
  /** The app's manifests and config, as mcconfig would build them (build-bridge.ts). */
  build?: BuildOptions;
}

const READABLE = 1;
const WRITABLE = 2;
const ERROR = 4;

interface BridgedSocket {
  id: number;
  socket: net.Socket | undefined;
  connected: boolean;
  /** Peer closed or the connection failed: no more writes, onError once the reader has drained. */
  errored: boolean;
  errorDelivered: boolean;
  received: Buffer[];
  receivedBytes: number;
  inFlight: number;
  triggered: number;
  paused: boolean;
}

export interface BridgeStats {
  socketsOpened: number;
  /** tcp events delivered to the worker that announced readable bytes. */
  readableEvents: number;
  /** Sockets that saw a peer close or an error. */
  socketsFailed: number;
  largestRead: number;
  largestWrite: number;
  wouldBlock: number;
  /** Writes refused with "not ready" (before connect, or after an error batch). */
  notReady: number;
}

export class Bridge {
  private engine: XsEngine | undefined;
  private readonly sockets = new Map<number, BridgedSocket>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly timersPending = new Set<number>();
  private nextSocketId = 1;
  private holding = false;
  private readonly sendBuffer: number;
  private readonly receiveWindow: number;
  /** trace/console output of the worker, unless onOutput takes it. */
  output = "";
  /** Exceptions thrown inside worker callbacks; a test should expect this to stay empty. */
  readonly uncaught: string[] = [];
  /** `embedded:io/socket/listener` (listener-bridge.ts). */
  readonly listeners = new ListenerBridge({
    adopt: (socket) => this.adopt(socket),
    notify: (build) => void this.requireEngine().commandWhenIdle(() => {
      const header = build();
      return header ? encodeWire(header) : undefined;
    }).catch(() => undefined),
    log: (text) => this.log(text),
  });
  /** `wsx-tls`: the mbedTLS C core, through its N-API binding (tls-bridge.ts). */
  readonly tls = new TlsBridge();
  /** `mc/config` and `Resource`: what the build puts into the app (build-bridge.ts). */
  readonly build: BuildBridge;
  /** The SDK's native zlib, as node:zlib here (compression-bridge.ts). */
  readonly compression = new CompressionBridge();
  readonly stats: BridgeStats = { socketsOpened: 0, readableEvents: 0, socketsFailed: 0, largestRead: 0, largestWrite: 0, wouldBlock: 0, notReady: 0 };

  constructor(private readonly options: BridgeOptions = {}) {
    this.sendBuffer = options.sendBuffer ?? LWIP_TCP_SND_BUF;
    this.receiveWindow = options.receiveWindow ?? LWIP_TCP_WND;
    this.build = new BuildBridge(options.build);
  }

  attach(engine: XsEngine): void {
    this.engine = engine;
  }

  /** The issueCommand handler to give the engine. */
  readonly handle = (request: Uint8Array): Uint8Array => {
    const { header, body } = decodeWire(request);
    try {
      const answer = this.answer(header, body);
      return encodeWire(answer?.header ?? {}, answer?.body);
    } catch (error) {
      return encodeWire({ bridgeError: (error as Error).message });
    }
  };

  /** Send an event to the worker's handleCommand and return its reply. */
  async post(header: WireHeader, body?: Uint8Array): Promise<{ header: WireHeader; body: Uint8Array }> {
    const reply = await this.requireEngine().command(encodeWire(header, body));
    return reply.reply.length ? decodeWire(reply.reply) : { header: {}, body: new Uint8Array(0) };
  }

  /**
   * Tests: keep socket happenings back (they coalesce, as they do when a device
   * is busy) until releaseSocketEvents().
   */
  holdSocketEvents(): void {
    this.holding = true;
  }

  releaseSocketEvents(): void {
    this.holding = false;
    for (const entry of this.sockets.values()) {
      const flags = entry.triggered;
      entry.triggered = 0;
      if (flags) this.trigger(entry, flags);
    }
  }

  /** Stop all timers and sockets (the worker is being torn down). */
  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const entry of this.sockets.values()) entry.socket?.destroy();
    this.sockets.clear();
    this.listeners.dispose();
    this.tls.dispose();
  }

  private requireEngine(): XsEngine {
    if (!this.engine) throw new Error("bridge is not attached to an engine");
    return this.engine;
  }

  private answer(header: WireHeader, body: Uint8Array): { header: WireHeader; body?: Uint8Array } | void {
    switch (header.op) {
      case "log":
        return this.log(String(header.text));
      case "uncaught":
        this.uncaught.push(`${String(header.where)}: ${String(header.text)}`);
        return this.log(`[uncaught in ${String(header.where)}] ${String(header.text)}\n`);
      case "event":
        this.options.onHarnessEvent?.(header, Uint8Array.from(body));
        return;
      case "random":
        return { header: {}, body: randomBytes(Number(header.n)) };
      case "timer.set":
        return this.setTimer(Number(header.id), Number(header.ms), header.repeat === null ? undefined : Number(header.repeat));
      case "timer.clear":
        return this.clearTimer(Number(header.id));
      case "dns.resolve":
        return this.resolve(Number(header.id), String(header.name));
      case "tcp.open":
        return this.open(String(header.address), Number(header.port), header.nodelay === true);
      case "tcp.write":
        return this.write(this.socketFor(header), body);
      case "tcp.writable":
        return this.writableNow(this.socketFor(header));
      case "tcp.read":
        return this.read(this.socketFor(header), header.count === null ? undefined : Number(header.count));
      case "tcp.close":
        return this.close(Number(header.id));
      case "tcp.from":
        return this.listeners.from(Number(header.handle));
      case "listener.open":
        return this.listeners.open(Number(header.port), typeof header.address === "string" ? header.address : undefined);
      case "listener.read":
        return this.listeners.read(Number(header.id));
      case "listener.port":
        return this.listeners.port(Number(header.id));
      case "listener.close":
        return this.listeners.close(Number(header.id));
      default:
        if (String(header.op).startsWith("tls.")) return this.tls.answer(header, body);
        if (String(header.op).startsWith("build.")) return this.build.answer(header);
        if (String(header.op).startsWith("zlib.")) return this.compression.answer(header, body);
        throw new Error(`simulator bridge: unknown request ${String(header.op)}`);
    }
  }

  private log(text: string): void {
    if (this.options.onOutput) this.options.onOutput(text);
    else this.output += text;
  }

  // Timers: Moddable's Timer.set(callback, interval, repeat).

  private setTimer(id: number, ms: number, repeat: number | undefined): void {
    this.clearTimer(id);
    const fire = (): void => {
      if (this.timersPending.has(id)) return; // one pending firing per timer, as on a device
      this.timersPending.add(id);
      void this.requireEngine()
        .commandWhenIdle(() => {
          this.timersPending.delete(id);
          return encodeWire({ t: "timer", id });
        })
        .catch(() => undefined);
    };
    const first = setTimeout(() => {
      if (repeat === undefined) this.timers.delete(id);
      else this.timers.set(id, setInterval(fire, Math.max(repeat, 1)));
      fire();
    }, Math.max(ms, 0));
    this.timers.set(id, first);
  }

  private clearTimer(id: number): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer); // also clears intervals in Node
    this.timers.delete(id);
  }

  // Names: only loopback names resolve; the simulator never leaves 127.0.0.1.

  private resolve(id: number, name: string): void {
    const address = name === "localhost" || name.startsWith("127.") ? "127.0.0.1" : undefined;
    setImmediate(() => {
      void this.requireEngine()
        .command(encodeWire({ t: "dns", id, address: address ?? null }))
        .catch(() => undefined);
    });
  }

  // Sockets.

  private socketFor(header: WireHeader): BridgedSocket {
    const entry = this.sockets.get(Number(header.id));
    if (!entry) throw new Error("closed");
    return entry;
  }

  private open(address: string, port: number, nodelay: boolean): { header: WireHeader } {
    const entry = this.newEntry();
    if (!address.startsWith("127.")) {
      this.log(`[bridge] refusing to connect to ${address}: the simulator only reaches 127.0.0.1\n`);
      setImmediate(() => this.fail(entry));
      return { header: { id: entry.id } };
    }
    const socket = net.connect({ host: address, port, noDelay: nodelay });
    this.wire(entry, socket);
    socket.on("connect", () => {
      entry.connected = true;
      this.trigger(entry, WRITABLE);
    });
    return { header: { id: entry.id } };
  }

  /** A socket a listener accepted: connected already, so writable at once (as lwIP reports it). */
  private adopt(socket: net.Socket): number {
    const entry = this.newEntry();
    entry.connected = true;
    socket.setNoDelay(true);
    this.wire(entry, socket);
    socket.resume();
    this.trigger(entry, WRITABLE);
    return entry.id;
  }

  private newEntry(): BridgedSocket {
    const entry: BridgedSocket = {
      id: this.nextSocketId++,
      socket: undefined,
      connected: false,
      errored: false,
      errorDelivered: false,
      received: [],
      receivedBytes: 0,
      inFlight: 0,
      triggered: 0,
      paused: false,
    };
    this.sockets.set(entry.id, entry);
    this.stats.socketsOpened++;
    return entry;
  }

  private wire(entry: BridgedSocket, socket: net.Socket): void {
    entry.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      entry.received.push(chunk);
      entry.receivedBytes += chunk.length;
      if (entry.receivedBytes >= this.receiveWindow && !entry.paused) {
        entry.paused = true;
        socket.pause();
      }
      this.trigger(entry, READABLE);
    });
    socket.on("end", () => this.fail(entry)); // lwIP reports a peer FIN as an error
    socket.on("error", () => this.fail(entry));
    socket.on("close", () => this.fail(entry));
  }

  private fail(entry: BridgedSocket): void {
    if (entry.errored) return;
    entry.errored = true;
    this.stats.socketsFailed++;
    this.trigger(entry, ERROR);
  }

  private write(entry: BridgedSocket, body: Uint8Array): { header: WireHeader } {
    // lwIP: not connected yet, or an error already delivered (that clears `ready`): throw.
    if (!entry.connected) {
      this.stats.notReady++;
      throw new Error("not ready");
    }
    // lwIP: failed underneath but not yet told to the worker: the bytes are dropped silently.
    if (entry.errored || !entry.socket) return { header: {} };
    const writable = this.sendBuffer - entry.inFlight;
    if (body.length > writable) {
      this.stats.wouldBlock++;
      throw new Error("would block");
    }
    const bytes = Buffer.from(body);
    entry.inFlight += bytes.length;
    this.stats.largestWrite = Math.max(this.stats.largestWrite, bytes.length);
    // The callback runs once Node has handed the bytes to the kernel: our "ack".
    entry.socket.write(bytes, () => {
      entry.inFlight -= bytes.length;
      this.trigger(entry, WRITABLE);
    });
    return { header: { writable: this.sendBuffer - entry.inFlight } };
  }

  /** What lwIP's tcp_sndbuf() says now: tcpDeliver reads it when it calls onWritable, after onReadable ran. */
  private writableNow(entry: BridgedSocket): { header: WireHeader } {
    return { header: { writable: entry.errored || !entry.socket ? 0 : this.sendBuffer - entry.inFlight } };
  }

  private read(entry: BridgedSocket, count: number | undefined): { header: WireHeader; body?: Uint8Array } {
    if (entry.receivedBytes === 0) return { header: { none: true } };
    const wanted = count ?? entry.receivedBytes;
    if (!(wanted > 0) || wanted > entry.receivedBytes) throw new Error("invalid");
    const all = Buffer.concat(entry.received);
    const out = all.subarray(0, wanted);
    const rest = all.subarray(wanted);
    entry.received = rest.length ? [rest] : [];
    entry.receivedBytes = rest.length;
    this.stats.largestRead = Math.max(this.stats.largestRead, out.length);
    if (entry.paused && entry.receivedBytes < this.receiveWindow) {
      entry.paused = false;
      entry.socket?.resume();
    }
    if (entry.receivedBytes === 0 && entry.errored && !entry.errorDelivered) this.trigger(entry, ERROR);
    return { header: {}, body: out };
  }

  private close(id: number): void {
    const entry = this.sockets.get(id);
    if (!entry) return;
    this.sockets.delete(id);
    entry.triggered = 0;
    entry.socket?.end(); // FIN after what was written, like tcp_close
    entry.socket?.resume();
  }

  /** Post one coalesced event per socket, built when the worker can take it. */
  private trigger(entry: BridgedSocket, flags: number): void {
    const wasIdle = entry.triggered === 0;
    entry.triggered |= flags;
    if (!wasIdle || this.holding) return;
    void this.requireEngine()
      .commandWhenIdle(() => {
        const triggered = entry.triggered;
        entry.triggered = 0;
        if (!this.sockets.has(entry.id) || entry.errorDelivered) return undefined;
        const header: WireHeader = { t: "tcp", id: entry.id };
        if (entry.errored) entry.connected = false; // tcpDeliver clears `ready` with the error batch
        if (triggered & READABLE && entry.receivedBytes > 0) header.readable = entry.receivedBytes;
        if (entry.errored) {
          if (entry.receivedBytes === 0) {
            header.error = true;
            entry.errorDelivered = true;
          }
        } else if (triggered & WRITABLE && entry.connected) {
          header.writable = this.sendBuffer - entry.inFlight;
        }
        if (header.readable === undefined && header.writable === undefined && header.error === undefined) return undefined;
        if (header.readable !== undefined) this.stats.readableEvents++;
        return encodeWire(header);
      })
      .catch(() => undefined);
  }
}
