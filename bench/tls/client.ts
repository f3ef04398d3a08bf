/**
 * The measuring side of bench/tls.mjs (bundled by it with esbuild): the
 * device's TLS layer on Node (the N-API binding of the mbedTLS core under
 * modules/transport/tls.ts, over NodeTransport's plain TCP), its handshakes
 * full and resumed with the bytes they cost, an idle connection's timer
 * wake-ups, and wss echo throughput against Node's own tls in the same run.
 */
import { Client } from "../../modules/client/client";
import type { Runtime } from "../../modules/endpoint/runtime";
import type { Platform, TimerHandle } from "../../modules/platform/platform";
import { tlsTransportFactory } from "../../modules/transport/tls";
import type { ConnectTarget, TlsConfig, Transport, TransportEvents } from "../../modules/transport/transport";
import { loadMbedtlsNative, mbedtlsRuntime } from "../../node/mbedtls";
import { nodePlatform } from "../../node/platform";
import { nodeRuntime } from "../../node/runtime";
import { NodeTransport } from "../../node/transport";

export const mbedtlsVersion = (): string => loadMbedtlsNative().mbedtlsVersion;

/** NodeTransport that counts the bytes through it (the TLS records, both ways). */
class Counting implements Transport, TransportEvents {
  private readonly inner = new NodeTransport();
  private events: TransportEvents | undefined;
  constructor(private readonly counts: { sent: number; received: number }) {}
  get bufferedAmount(): number { return this.inner.bufferedAmount; }
  connect(target: ConnectTarget, events: TransportEvents): void { this.events = events; this.inner.connect(target, this); }
  write(bytes: Uint8Array): boolean { this.counts.sent += bytes.length; return this.inner.write(bytes); }
  end(): void { this.inner.end(); }
  destroy(): void { this.inner.destroy(); }
  onOpen(): void { this.events?.onOpen(); }
  onData(chunk: Uint8Array): void { this.counts.received += chunk.length; this.events?.onData(chunk); }
  onDrain(): void { this.events?.onDrain(); }
  onClose(error?: import("../../modules/core/errors").WebSocketError): void { this.events?.onClose(error); }
}

export interface HandshakeFigures { cpuMs: number; wallMs: number; sent: number; received: number; resumedShare: number }

/**
 * `count` TLS connections to host:port one after the other (open, close_notify, closed), through one
 * TLS factory; the first one (a full handshake that leaves a session to resume) is not counted.
 */
export async function handshakes(port: number, tls: TlsConfig, resumption: boolean, count: number): Promise<HandshakeFigures> {
  const counts = { sent: 0, received: 0 };
  const native = loadMbedtlsNative();
  const factory = tlsTransportFactory({ native, platform: nodePlatform, inner: () => new Counting(counts), resumption });
  const one = () => new Promise<void>((resolve, reject) => {
    const transport = factory({ host: "127.0.0.1", port, secure: true, tls });
    transport.connect({ host: "127.0.0.1", port, secure: true, tls }, {
      onOpen: () => transport.end(),
      onData: () => {},
      onDrain: () => {},
      onClose: (error) => (error ? reject(error) : resolve()),
    });
  });
  await one();
  counts.sent = 0;
  counts.received = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await one();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / count, wallMs: wallMs / count, sent: counts.sent / count, received: counts.received / count, resumedShare: NaN };
}

/** Timer wake-ups per second of one open, idle wss connection through mbedtlsRuntime (its Client included). */
export async function idleWakeups(port: number, tls: TlsConfig, seconds: number): Promise<{ perSecond: number; pending: number }> {
  const live = new Set<TimerHandle>();
  let fired = 0;
  const platform: Platform = {
    ...nodePlatform,
    setTimer(callback, ms) {
      const handle: TimerHandle = nodePlatform.setTimer(() => { live.delete(handle); fired++; callback(); }, ms);
      live.add(handle);
      return handle;
    },
    clearTimer(handle) { live.delete(handle); nodePlatform.clearTimer(handle); },
  };
  const runtime = mbedtlsRuntime({ platform });
  const client = await openClient(runtime, port, tls);
  const before = fired;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const perSecond = (fired - before) / seconds;
  const pending = live.size;
  client.close();
  return { perSecond, pending };
}

function openClient(runtime: Runtime, port: number, tls: TlsConfig | undefined, onMessage?: () => void): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client: Client = new Client(runtime, `wss://127.0.0.1:${port}/`, tls ? { tls, maxMessageSize: 64 * 1024 * 1024 } : { maxMessageSize: 64 * 1024 * 1024 }, {
      onOpen: () => resolve(client),
      onMessage: () => onMessage?.(),
      onError: (error) => reject(error),
    });
  });
}

export interface EchoFigures { mbPerSecond: number; cpuMsPerMiB: number }

/** `messages` binary messages of `size` bytes echoed with `window` in flight, over the given runtime. */
export async function echo(runtime: Runtime, port: number, tls: TlsConfig | undefined, size: number, messages: number, window: number): Promise<EchoFigures> {
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => { done = resolve; });
  let sent = 0;
  const payload = new Uint8Array(size).fill(0x61);
  let client!: Client;
  client = await openClient(runtime, port, tls, () => {
    received++;
    if (sent < messages) { client.send(payload); sent++; }
    if (received === messages) done();
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (; sent < Math.min(window, messages); sent++) client.send(payload);
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  client.close();
  const mib = (2 * size * messages) / 2 ** 20; // both ways through the client
  return { mbPerSecond: (size * messages) / 1e6 / seconds, cpuMsPerMiB: (used.user + used.system) / 1000 / mib };
}

export const runtimes = {
  mbedtls: (): Runtime => mbedtlsRuntime(),
  node: (): Runtime => nodeRuntime,
};

/** Node's own tls path needs the CA as it expects it: the same TlsConfig works for both runtimes. */
export function trust(caPem: string): TlsConfig {
  return { ca: [caPem], servername: "localhost" };
}
