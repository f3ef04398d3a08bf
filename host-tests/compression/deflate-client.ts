/**
 * A Client on the Node runtime with node:zlib compression, wrapped in
 * promises for tests. Counts the bytes read from the transport so a test can
 * see that the server's messages really arrived compressed.
 */
import { Client, nodeRuntime, type ClientOptions, type Runtime, type Transport, type TransportEvents, type WebSocketError } from "../../node/index";
import { nodeCompression } from "../../node/deflate";

export const deflateRuntime = (counter: { bytes: number }): Runtime => ({
  platform: { ...nodeRuntime.platform, compression: nodeCompression },
  createTransport: (target) => {
    const inner: Transport = nodeRuntime.createTransport(target);
    return {
      connect: (t, events: TransportEvents) => inner.connect(t, {
        onOpen: () => events.onOpen(),
        onData: (chunk) => { counter.bytes += chunk.length; events.onData(chunk); },
        onDrain: () => events.onDrain(),
        onClose: (error) => events.onClose(error),
      }),
      write: (bytes) => inner.write(bytes),
      get bufferedAmount() { return inner.bufferedAmount; },
      end: () => inner.end(),
      destroy: () => inner.destroy(),
      pause: () => inner.pause?.(),
      resume: () => inner.resume?.(),
    };
  },
});

export interface Message { data: string | Uint8Array; binary: boolean }
export interface Fragment { data: string | Uint8Array; binary: boolean; final: boolean }

export interface TestClient {
  client: Client;
  /** Bytes read from the socket so far (handshake response included). */
  read: { bytes: number };
  extensions: string;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string; wasClean: boolean }>;
  errors: WebSocketError[];
  fragments: Fragment[];
  next(): Promise<Message>;
}

export function openClient(url: string, options: ClientOptions): TestClient {
  const read = { bytes: 0 };
  const queue: Message[] = [];
  const waiting: ((m: Message) => void)[] = [];
  const errors: WebSocketError[] = [];
  const fragments: Fragment[] = [];
  let opened!: () => void;
  let failedOpen!: (e: Error) => void;
  let closed!: (c: { code: number; reason: string; wasClean: boolean }) => void;
  const t: TestClient = {
    client: undefined as unknown as Client,
    read,
    extensions: "",
    opened: new Promise<void>((resolve, reject) => { opened = resolve; failedOpen = reject; }),
    closed: new Promise((resolve) => { closed = resolve; }),
    errors,
    fragments,
    next: () => new Promise<Message>((resolve) => {
      const m = queue.shift();
      if (m) resolve(m); else waiting.push(resolve);
    }),
  };
  t.opened.catch(() => undefined);
  t.client = new Client(deflateRuntime(read), url, options, {
    onOpen: (info) => { t.extensions = info.extensions; opened(); },
    onMessage: (data, binary) => {
      const m = { data: typeof data === "string" ? data : data.slice(), binary };
      const w = waiting.shift();
      if (w) w(m); else queue.push(m);
    },
    onFragment: (data, binary, final) => {
      fragments.push({ data: typeof data === "string" ? data : data.slice(), binary, final });
      if (final) {
        const parts = fragments.splice(0);
        const m: Message = binary
          ? { data: new Uint8Array(Buffer.concat(parts.map((p) => p.data as Uint8Array))), binary }
          : { data: parts.map((p) => p.data as string).join(""), binary };
        (m as Message & { parts: number }).parts = parts.length;
        const w = waiting.shift();
        if (w) w(m); else queue.push(m);
      }
    },
    onError: (e) => { errors.push(e); failedOpen(e); },
    onClose: (code, reason, wasClean) => { failedOpen(new Error(`closed ${code} before open`)); closed({ code, reason, wasClean }); },
  });
  return t;
}

/** Compressible text of exactly `size` UTF-8 bytes, with multi-byte characters. */
export function textOf(size: number, seed = 0): string {
  const unit = `Hello κόσμε ✓ ${seed} `;
  const s = unit.repeat(Math.floor(size / Buffer.byteLength(unit)));
  return s + "x".repeat(size - Buffer.byteLength(s));
}

/** Binary of `size` bytes: compressible (a repeating pattern) or not (pseudo-random). */
export function binaryOf(size: number, compressible: boolean, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    if (compressible) out[i] = (i % 97) ^ seed;
    else { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out[i] = x & 0xff; }
  }
  return out;
}
