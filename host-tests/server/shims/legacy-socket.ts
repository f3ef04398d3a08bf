/**
 * Moddable's callback `socket` module (Socket, Listener) for the XS
 * simulator, as far as an HTTP server and our LegacySocketChannel use it,
 * built on the simulator's ECMA-419 listener and TCP shims:
 * - `listener.callback()` once per waiting connection; `new Socket({ listener })` accepts it;
 * - `socket.callback(message, value)`: 2 readable (value = bytes waiting), 3 writable (value = room),
 *   -1 disconnected;
 * - `read()` counts waiting bytes, `read(String, "\n")` reads through the next newline (or all),
 *   `read(ArrayBuffer)` all, `read(ArrayBuffer, n)` n bytes;
 * - `write()` answers the room; `write(...items)` takes strings and ArrayBuffers and throws past the room.
 * With `Socket.lin` set, it behaves as Moddable's Linux simulator's socket does (SDK 8.2.3,
 * modules/network/socket/lin/modSocket.c): bytes come in callbacks of at most 1024 and exist only
 * while that callback runs (what is not read by then is dropped), and the room is 1024 bytes
 * (kTxBufferSize), a larger write throwing "can't write all data".
 */
import Listener419 from "../../../simulator/shims/listener";
import TCP from "../../../simulator/shims/tcp";

type Callback = (message: number, value?: number) => void;

export class Listener {
  callback: (() => void) | undefined;
  readonly native: Listener419;

  constructor(options: { port?: number }) {
    this.native = new Listener419({
      port: options.port ?? 0,
      onReadable: (requests: number) => {
        for (let i = 0; i < requests; i++) this.callback?.();
      },
    });
  }

  close(): void {
    this.native.close();
  }
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

const LIN_BUFFER = 1024;

export class Socket {
  /** Moddable's lin socket semantics for sockets made from now on (see above). */
  static lin = false;
  callback: Callback | undefined;
  private readonly lin = Socket.lin;
  /** lin: what the kernel took and has not sent yet (the ECMA-419 shim underneath has lwIP's writable count). */
  private kernel: Uint8Array[] = [];
  private tcpRoom = 5760;
  private tcp: TCP | undefined;
  private pending = new Uint8Array(0);
  /** An accepted socket starts with lwIP's whole send buffer free (TCP_SND_BUF, the bridge's default); events update it. */
  private room = Socket.lin ? LIN_BUFFER : 5760;

  constructor(options: { listener: Listener }) {
    const from = options.listener.native.read();
    if (!from) throw new Error("no connection waiting");
    this.tcp = new TCP({
      from,
      onReadable: (count: number) => {
        if (this.lin) {
          // One recv() of at most 1024 bytes per callback, into a buffer that is gone when the callback returns.
          for (let left = count; left > 0 && this.tcp; left -= LIN_BUFFER) {
            const got = this.tcp.read(Math.min(left, LIN_BUFFER));
            if (!got) return;
            this.pending = new Uint8Array(got);
            this.callback?.(2, this.pending.length);
            this.pending = new Uint8Array(0);
          }
          return;
        }
        const got = this.tcp?.read(count);
        if (!got) return;
        const joined = new Uint8Array(this.pending.length + got.byteLength);
        joined.set(this.pending);
        joined.set(new Uint8Array(got), this.pending.length);
        this.pending = joined;
        this.callback?.(2, this.pending.length);
      },
      onWritable: (count: number) => {
        if (this.lin) {
          this.tcpRoom = count;
          this.drainKernel();
          this.room = LIN_BUFFER;
        } else this.room = count;
        this.callback?.(3, this.room);
      },
      onError: () => {
        this.callback?.(-1);
      },
    });
  }

  read(type?: unknown, until?: string | number | null): number | string | ArrayBuffer | undefined {
    if (type === undefined) return this.pending.length;
    let count = this.pending.length;
    if (typeof until === "number") count = Math.min(until, count);
    else if (typeof until === "string") {
      const at = this.pending.indexOf(until.charCodeAt(0));
      if (at >= 0) count = at + 1;
    }
    if (count === 0) return type === String ? undefined : new ArrayBuffer(0);
    const taken = this.pending.slice(0, count);
    this.pending = this.pending.slice(count);
    if (type === String) {
      let text = "";
      for (const byte of taken) text += String.fromCharCode(byte);
      return text;
    }
    if (type === null) return undefined;
    return taken.buffer;
  }

  write(...items: (string | ArrayBuffer)[]): number | undefined {
    if (!this.tcp) throw new Error("closed");
    if (items.length === 0) return this.room;
    const parts = items.map((item) => (typeof item === "string" ? latin1Bytes(item) : new Uint8Array(item)));
    const size = parts.reduce((n, p) => n + p.length, 0);
    if (size > this.room) throw new Error(this.lin ? "can't write all data" : "write exceeds available");
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    if (size && this.lin) {
      // lin hands it all to the kernel at once and keeps its 1024-byte buffer free (modSocket.c doFlushWrite).
      this.kernel.push(bytes);
      this.drainKernel();
      this.room = LIN_BUFFER;
    } else if (size) {
      const left = this.tcp.write(bytes);
      this.room = typeof left === "number" ? left : this.room - size;
    }
    return undefined;
  }

  private drainKernel(): void {
    while (this.tcp && this.kernel.length && this.tcpRoom > 0) {
      const head = this.kernel[0];
      const piece = head.length <= this.tcpRoom ? head : head.subarray(0, this.tcpRoom);
      const left = this.tcp.write(piece);
      this.tcpRoom = typeof left === "number" ? left : this.tcpRoom - piece.length;
      if (piece === head) this.kernel.shift();
      else this.kernel[0] = head.subarray(piece.length);
    }
  }

  close(): void {
    this.tcp?.close();
    this.tcp = undefined;
    this.callback = undefined;
  }
}
