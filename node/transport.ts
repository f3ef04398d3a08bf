import * as net from "node:net";
import * as tls from "node:tls";
import { WebSocketError } from "../modules/core/errors";
import type { AcceptedChannel, ConnectTarget, Transport, TransportEvents } from "../modules/transport/transport";
import { nodeTlsOptions } from "./tls-options";
import { tlsErrorFromNode } from "./tls-errors";
import { ReadSlab } from "./read-slab";

/** Most bytes held back in one turn before they are sent (one writev each). */
const BATCH_BYTES = 64 * 1024;

/**
 * Host-only transport over Node's net and tls sockets: one the client opens
 * (connect), or one a server accepted (attach).
 */
export class NodeTransport implements Transport, AcceptedChannel {
  private socket: net.Socket | null = null;
  private events: TransportEvents | null = null;
  private opened = false;
  private error: WebSocketError | undefined;
  private target: ConnectTarget | null = null;
  private corked = false;
  /** Bytes written since the socket was last uncorked. */
  private held = 0;

  constructor(accepted?: net.Socket) {
    if (accepted) {
      this.socket = accepted;
      this.opened = true;
    }
  }

  connect(target: ConnectTarget, events: TransportEvents): void {
    this.events = events;
    this.target = target;
    let socket: net.Socket;
    try {
      socket = target.secure
        ? tls.connect(nodeTlsOptions(target), () => this.opening())
        : net.connect({ host: target.host, port: target.port, onread: this.reads() }, () => this.opening());
    } catch (e) {
      // Unusable TLS settings (no CA, wrong key password ...) end the connection like any
      // failed connect: reported through onClose on the next turn, never thrown out of connect().
      const error = tlsErrorFromNode(e as Error)
        ?? new WebSocketError("CONNECTION_FAILED", `cannot connect to ${target.host}:${target.port}: ${(e as Error).message}`, { cause: e });
      setImmediate(() => {
        const pending = this.events;
        this.events = null;
        pending?.onClose(error);
      });
      return;
    }
    this.socket = socket;
    this.wire(socket);
  }

  attach(events: TransportEvents): void {
    this.events = events;
    if (this.socket) this.wire(this.socket);
  }

  /** Plain TCP reads straight into our own memory, without a Buffer and a 'data' event per read. */
  private reads(): net.OnReadOpts {
    const slab = new ReadSlab();
    return {
      buffer: () => slab.next(),
      callback: (length: number, region: Uint8Array) => {
        this.events?.onData(slab.take(region, length));
        return true; // keep reading (pause() stops reads on its own)
      },
    };
  }

  private wire(socket: net.Socket): void {
    socket.setNoDelay(true);
    // TLS sockets and accepted ones deliver 'data' events.
    socket.on("data", (data: Buffer) => {
      this.events?.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    socket.on("drain", () => this.events?.onDrain());
    // The peer's FIN ends the connection. Sockets from Node's HTTP server allow half-open
    // connections and would wait for our side forever: finish ours (queued bytes still go).
    socket.on("end", () => { if (!socket.writableEnded) socket.end(); });
    socket.on("error", (err: Error) => { this.error ??= this.describe(err); });
    socket.on("close", () => {
      const events = this.events;
      this.events = null;
      this.socket = null;
      events?.onClose(this.error);
    });
  }

  get bufferedAmount(): number {
    return this.socket ? this.socket.writableLength : 0;
  }

  write(bytes: Uint8Array): boolean {
    const socket = this.socket;
    if (!socket || socket.destroyed) return false;
    // Frames written in the same turn (a burst of sends, or replies to every message
    // of one read) leave in one system call: held until the turn ends, then one writev.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(uncork, this);
    }
    const ok = socket.write(bytes);
    this.held += bytes.length;
    // A long burst goes out in batches, so that a turn's writes are not all held at once.
    if (this.held >= BATCH_BYTES) {
      this.held = 0;
      socket.uncork();
      socket.cork();
    }
    return ok;
  }

  /** @internal the end of the turn that corked the socket. */
  flush(): void {
    this.corked = false;
    this.held = 0;
    this.socket?.uncork();
  }

  end(): void {
    this.socket?.end();
  }

  destroy(): void {
    // What was written before stays written, as without the cork: only later writes are dropped.
    if (this.corked) this.flush();
    this.socket?.destroy();
  }

  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  private opening(): void {
    this.opened = true;
    this.events?.onOpen();
  }

  private describe(err: Error): WebSocketError {
    const where = this.target ? `${this.target.host}:${this.target.port}` : `${this.socket?.remoteAddress ?? "peer"}:${this.socket?.remotePort ?? ""}`;
    const code = (err as NodeJS.ErrnoException).code ?? "";
    // Not only before secureConnect: in TLS 1.3 the server's verdict on our client
    // certificate (certificate_required) arrives after it.
    if (this.target?.secure) {
      const tlsError = tlsErrorFromNode(err);
      if (tlsError) return tlsError;
    }
    if (!this.opened) {
      const why = code === "ECONNREFUSED" ? "connection refused"
        : code === "ENOTFOUND" || code === "EAI_AGAIN" ? "host name not found"
        : code === "ETIMEDOUT" ? "connection timed out"
        : code === "EHOSTUNREACH" || code === "ENETUNREACH" ? "host unreachable"
        : err.message;
      return new WebSocketError("CONNECTION_FAILED", `cannot connect to ${where}: ${why}`, { cause: err });
    }
    return new WebSocketError("CONNECTION_LOST", `connection to ${where} lost: ${code === "ECONNRESET" ? "reset by peer" : err.message}`, { cause: err });
  }
}

function uncork(transport: NodeTransport): void {
  transport.flush();
}
