/**
 * An accepted ECMA-419 TCP connection as an AcceptedChannel. The socket is
 * made with `new TCP({ from: listener.read(), ... })`; everything else
 * (write queue sized by onWritable counts, pause/resume, a peer close seen
 * as onError) is the client's Tcp419Transport, which already follows
 * Moddable's lwIP socket. lwIP reports an accepted socket writable at once,
 * as it does a connected one, so the transport's "first writable means open"
 * holds here too.
 */
import TCP from "embedded:io/socket/tcp";
import {
  Tcp419Transport,
  type Tcp419Socket,
  type Tcp419SocketConstructor,
  type Tcp419SocketOptions,
} from "../transport/tcp419";
import type { AcceptedChannel, TransportEvents } from "../transport/transport";

/** What `listener.read()` returned: handed to the TCP constructor as `from`. */
export type PendingConnection = object;

/** The TCP constructor as the accepting side calls it. */
export type FromSocketConstructor = new (
  options: Omit<Tcp419SocketOptions, "address" | "port"> & { from: PendingConnection },
) => Tcp419Socket;

export interface AcceptedTcp419Options {
  /** write() reports back-pressure past this many queued bytes (default 16 KiB, as the client). */
  highWaterMark?: number;
  /** The socket class (default: the platform's embedded:io/socket/tcp). */
  socket?: FromSocketConstructor;
  /** Shown in error messages (default "client"). */
  label?: string;
}

export class AcceptedTcp419Channel implements AcceptedChannel {
  private readonly transport: Tcp419Transport;
  private readonly label: string;
  private attached = false;

  constructor(from: PendingConnection, options: AcceptedTcp419Options = {}) {
    const Socket = options.socket ?? (TCP as unknown as FromSocketConstructor);
    // The transport "opens" a socket by calling this; address and port mean nothing for an accepted one.
    const FromListener = function (this: unknown, socketOptions: Tcp419SocketOptions): Tcp419Socket {
      const { address: _address, port: _port, ...callbacks } = socketOptions;
      return new Socket({ ...callbacks, from });
    } as unknown as Tcp419SocketConstructor;
    this.transport = new Tcp419Transport({
      socket: FromListener,
      highWaterMark: options.highWaterMark,
      resolve: (_host, done) => done("0.0.0.0"),
    });
    this.label = options.label ?? "client";
  }

  get bufferedAmount(): number {
    return this.transport.bufferedAmount;
  }

  attach(events: TransportEvents): void {
    if (this.attached) return;
    this.attached = true;
    // A name, not an address: the resolver above answers at once, and messages read "connection to client:0 lost".
    this.transport.connect({ host: this.label, port: 0, secure: false }, events);
  }

  write(bytes: Uint8Array): boolean {
    return this.transport.write(bytes);
  }

  end(): void {
    this.transport.end();
  }

  destroy(): void {
    this.transport.destroy();
  }

  pause(): void {
    this.transport.pause();
  }

  resume(): void {
    this.transport.resume();
  }
}
