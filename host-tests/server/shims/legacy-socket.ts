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
 */
import Listener419 from "../../xs/shims/listener";
import TCP from "../../xs/shims/tcp";

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

export class Socket {
  callback: Callback | undefined;
  private tcp: TCP | undefined;
  private pending = new Uint8Array(0);
  /** An accepted socket starts with lwIP's whole send buffer free (TCP_SND_BUF, the bridge's default); events update it. */
  private room = 5760;

  constructor(options: { listener: Listener }) {
    const from = options.listener.native.read();
    if (!from) throw new Error("no connection waiting");
    this.tcp = new TCP({
      from,
      onReadable: (count: number) => {
        const got = this.tcp?.read(count);
        if (!got) return;
        const joined = new Uint8Array(this.pending.length + got.byteLength);
        joined.set(this.pending);
        joined.set(new Uint8Array(got), this.pending.length);
        this.pending = joined;
        this.callback?.(2, this.pending.length);
      },
      onWritable: (count: number) => {
        this.room = count;
        this.callback?.(3, count);
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
    if (size > this.room) throw new Error("write exceeds available");
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    if (size) {
      const left = this.tcp.write(bytes);
      this.room = typeof left === "number" ? left : this.room - size;
    }
    return undefined;
  }

  close(): void {
    this.tcp?.close();
    this.tcp = undefined;
    this.callback = undefined;
  }
}
