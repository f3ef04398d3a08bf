/**
 * Drives one transport of the mbedTLS runtime (the real TypeScript TLS layer
 * over the real N-API binding, over a Node socket) the way a client would,
 * and records what it reports.
 */
import type { WebSocketError } from "../../modules/core/errors";
import type { ConnectTarget, TlsConfig, Transport } from "../../modules/transport/transport";
import type { Runtime } from "../../modules/endpoint/runtime";
import { mbedtlsRuntime, type MbedtlsRuntimeOptions } from "../../node/mbedtls";

export interface Session {
  transport: Transport;
  /** Resolves when onOpen comes; rejects with the close error when the transport closes first. */
  opened: Promise<void>;
  /** Resolves with onClose's error (undefined for an orderly close). */
  closed: Promise<WebSocketError | undefined>;
  /** Everything received so far, as latin1 text. */
  received(): string;
  receivedBytes(): number;
  /** Resolves once `predicate(received text)` holds. */
  until(predicate: (text: string) => boolean): Promise<string>;
  /** Resolves once at least `count` bytes have arrived. */
  untilBytes(count: number): Promise<void>;
  closeCount(): number;
  drains(): number;
}

export function open(port: number, tls: TlsConfig | undefined, options: MbedtlsRuntimeOptions = {},
  target: Partial<ConnectTarget> = {}): Session {
  return openOn(mbedtlsRuntime(options), port, tls, target);
}

/** The same through a given runtime (connections of one runtime share its per-host TLS state). */
export function openOn(runtime: Runtime, port: number, tls: TlsConfig | undefined, target: Partial<ConnectTarget> = {}): Session {
  const full: ConnectTarget = { host: "127.0.0.1", port, secure: true, tls, ...target };
  const transport = runtime.createTransport(full);
  const chunks: string[] = [];
  let bytes = 0;
  let closes = 0;
  let drains = 0;
  let waiters: Array<() => void> = [];
  let resolveOpen!: () => void;
  let rejectOpen!: (e: unknown) => void;
  let resolveClose!: (e: WebSocketError | undefined) => void;
  const opened = new Promise<void>((res, rej) => { resolveOpen = res; rejectOpen = rej; });
  opened.catch(() => {});
  const closed = new Promise<WebSocketError | undefined>((res) => { resolveClose = res; });
  transport.connect(full, {
    onOpen: () => resolveOpen(),
    onData: (chunk) => {
      bytes += chunk.length;
      chunks.push(Buffer.from(chunk).toString("latin1"));
      const w = waiters; waiters = []; w.forEach((f) => f());
    },
    onDrain: () => { drains++; },
    onClose: (error) => {
      closes++;
      rejectOpen(error ?? new Error("closed before open"));
      resolveClose(error);
      const w = waiters; waiters = []; w.forEach((f) => f());
    },
  });
  const received = () => {
    if (chunks.length > 1) chunks.splice(0, chunks.length, chunks.join(""));
    return chunks[0] ?? "";
  };
  const waitFor = (done: () => boolean) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (done()) resolve();
      else if (closes > 0) reject(new Error(`closed before the expected data; got ${bytes} bytes`));
      else waiters.push(check);
    };
    check();
  });
  return {
    transport, opened, closed, received,
    receivedBytes: () => bytes,
    closeCount: () => closes,
    drains: () => drains,
    until: async (predicate) => {
      await waitFor(() => predicate(received()));
      return received();
    },
    untilBytes: (count) => waitFor(() => bytes >= count),
  };
}

/** TLS settings that trust our test root for "localhost". */
export function trusting(ca: string | Uint8Array, extra: TlsConfig = {}): TlsConfig {
  return { ca: [ca], servername: "localhost", ...extra };
}
