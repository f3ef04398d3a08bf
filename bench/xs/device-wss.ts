/**
 * Device side of the XS benchmark's wss figures, bundled into the simulator's
 * xsnap worker: a real Client on the device's own configuration
 * (modules/device/configured.ts: the TLS layer over the ECMA-419 TCP socket,
 * `wsx-tls` for mbedTLS, certificates from the flash bundle), whose `wsx-tls`
 * is the C core in the parent; the TCP socket and `wsx-tls` session objects
 * alone, to subtract their share; and the TLS layer over a stand-in native
 * and a stand-in inner transport in XS memory, for what it allocates per
 * message without the simulator's bridge traffic.
 */
import TCP from "embedded:io/socket/tcp";
import Timer from "timer";
import wsxTls, { type TlsHost, type TlsSession } from "wsx-tls";
import { withEntryDefaults } from "../../modules/api/options";
import { Client } from "../../modules/client/client";
import { defaults, runtime } from "../../modules/device/configured";
import type { Platform } from "../../modules/platform/platform";
import { NativeFailure, NativeState, type MbedtlsNative, type NativeTlsHost, type NativeTlsSession } from "../../modules/transport/mbedtls-native";
import { TlsTransport } from "../../modules/transport/tls";
import { TlsSettings } from "../../modules/transport/tls-settings";
import type { ConnectTarget, Transport, TransportEvents } from "../../modules/transport/transport";
import { expose } from "../../simulator/shims/expose";
import { Probe } from "./probe";

// Room made up front: a growing array would add its own chunk to a measured connection.
const clients: (Client | undefined)[] = new Array<Client | undefined>(64).fill(undefined);
let clientCount = 0;

expose("open", (args) => {
  const url = String(args[0]);
  const id = clientCount++;
  clients[id] = new Client(runtime, url, withEntryDefaults(defaults, {}), new Probe(id));
  return id;
});

expose("close", (args) => {
  clients[Number(args[0])]?.close();
  return 0;
});

expose("forget", (args) => {
  clients[Number(args[0])] = undefined;
  return 0;
});

/** The `wsx-tls` session object alone (on a device: the binding's host object); its host made once, outside the window. */
let rawHost: TlsHost | undefined;
let rawSession: TlsSession | undefined;
expose("rawHost", () => {
  rawHost = wsxTls.host({ label: "localhost:443", verify: false, insist: false, resumption: true });
  return 0;
});
expose("rawOpen", () => {
  rawSession = rawHost!.connect();
  return 0;
});
expose("rawClose", () => {
  rawSession?.close();
  rawSession = undefined;
  return 0;
});

/** The ECMA-419 TCP socket object alone (on a device a host object of a few slots), as the ws bench measures it. */
let tcpSocket: TCP | undefined;
function tcpIgnore(): void {}
expose("tcpOpen", (args) => {
  tcpSocket = new TCP({ address: "127.0.0.1", port: Number(args[0]), onReadable: tcpIgnore, onWritable: tcpIgnore, onError: tcpIgnore } as never);
  return 0;
});
expose("tcpClose", () => {
  tcpSocket?.close();
  tcpSocket = undefined;
  return 0;
});

// ---- the TLS layer alone, per message: native and inner transport stood in for in XS memory ----

interface Due {
  run: () => void;
  live: boolean;
}

/** Timers that run only when the bench says (the TLS layer sets none while open; this catches any it would). */
class ManualTimers {
  private due: Due[] = [];
  readonly platform: Platform = {
    now: () => 0,
    setTimer: (callback) => {
      const timer: Due = { run: callback, live: true };
      this.due.push(timer);
      return timer;
    },
    clearTimer(handle) {
      (handle as Due).live = false;
    },
    randomFill() {},
  };

  get pending(): number {
    return this.due.filter((d) => d.live).length;
  }
}

let received = 0;

/**
 * What the binding does per call, minus the C: input() takes everything, read()
 * hands over a fresh ArrayBuffer per record, write() takes all and output() gives
 * a fresh ArrayBuffer of ciphertext. No own properties, as a host object has none.
 */
class MemorySession implements NativeTlsSession {
  private static records = 0;
  private static out = false;
  input(bytes: Uint8Array): number {
    MemorySession.records++;
    return bytes.length;
  }
  read(): ArrayBuffer | null {
    if (MemorySession.records === 0) return null;
    MemorySession.records--;
    return new ArrayBuffer(recordSize);
  }
  write(bytes: Uint8Array): number {
    MemorySession.out = true;
    return bytes.length;
  }
  output(): ArrayBuffer | null {
    if (!MemorySession.out) return null;
    MemorySession.out = false;
    return new ArrayBuffer(recordSize + 29);
  }
  eof(): void {}
  shutdown(): void {}
  close(): void {}
  get state(): number {
    return opened ? NativeState.OPEN : NativeState.HANDSHAKING;
  }
  get failure(): number {
    return NativeFailure.NONE;
  }
  get error(): string {
    return "";
  }
  get mbedtlsError(): number {
    return 0;
  }
  get verifyFlags(): number {
    return 0;
  }
  get resumed(): boolean {
    return false;
  }
}

let opened = false;
let recordSize = 66;

class MemoryHost implements NativeTlsHost {
  connect(): NativeTlsSession {
    return new MemorySession();
  }
  forget(): void {}
  close(): void {}
  get error(): string {
    return "";
  }
  get failure(): number {
    return 0;
  }
  get hasSession(): boolean {
    return false;
  }
}

const memoryNative: MbedtlsNative = { host: () => new MemoryHost() };

/** An inner transport that is open at once and takes every write (what a socket with room does). */
class MemoryInner implements Transport {
  events: TransportEvents | undefined;
  get bufferedAmount(): number {
    return 0;
  }
  connect(_target: ConnectTarget, events: TransportEvents): void {
    this.events = events;
  }
  write(): boolean {
    return true;
  }
  end(): void {}
  destroy(): void {}
}

/** The transport's listener: an instance of a class (its methods shared), so the idle row holds no closures of ours. */
class TransportProbe {
  opened = false;
  readonly counting: boolean;
  constructor(counting: boolean) {
    this.counting = counting;
  }
  onOpen(): void {
    this.opened = true;
  }
  onData(): void {
    if (this.counting) received++;
  }
  onDrain(): void {}
  onClose(): void {}
}

const timers = new ManualTimers();
// Made once, as a runtime's factory makes its settings once for all its connections.
let innerNow: MemoryInner | undefined;
const settings = new TlsSettings({
  native: memoryNative,
  platform: timers.platform,
  inner: () => (innerNow = new MemoryInner()),
});

let transport: TlsTransport | undefined;
let inner: MemoryInner | undefined;
const hello = new Uint8Array(5);

function openTransport(counting: boolean): { transport: TlsTransport; inner: MemoryInner } {
  const listener = new TransportProbe(counting);
  const made = new TlsTransport(settings);
  made.connect({ host: "localhost", port: 443, secure: true, tls: { verify: false } }, listener);
  const under = innerNow!;
  opened = false;
  under.events!.onOpen();
  opened = true;
  under.events!.onData(hello); // the server's handshake: the stand-in opens on it
  if (!listener.opened) throw new Error("the TLS layer did not open over the stand-ins");
  return { transport: made, inner: under };
}

let chunks: Uint8Array[] = [];
let payload = new Uint8Array(0);

/** A fresh transport, open, with `count` ciphertext chunks of `size` bytes to arrive (one record each). */
expose("transportPrepare", (args) => {
  const [size, count] = args as [number, number];
  recordSize = size;
  chunks = [];
  for (let i = 0; i < count; i++) chunks.push(new Uint8Array(size + 29));
  payload = new Uint8Array(size);
  received = 0;
  ({ transport, inner } = openTransport(true));
  return count;
});

/** Every chunk arrives from the inner transport and is delivered decrypted. */
expose("transportFeed", () => {
  received = 0;
  for (const chunk of chunks) inner!.events!.onData(chunk);
  if (received !== chunks.length) throw new Error(`transport delivered ${received} chunks, expected ${chunks.length}`);
  return received;
});

/** `n` writes of the payload, each encrypted and handed to the inner transport at once. */
expose("transportSend", (args) => {
  const n = Number(args[0]);
  for (let i = 0; i < n; i++) transport!.write(payload);
  return n;
});

// ---- pieces of the idle connection, measured alone ----

/** Open idle TLS layers over the stand-ins, each kept for a heap snapshot (room made up front). */
const idleTransports: (TlsTransport | undefined)[] = new Array<TlsTransport | undefined>(8).fill(undefined);
let idleCount = 0;
expose("transportAlone", () => {
  idleTransports[idleCount++ % idleTransports.length] = openTransport(false).transport;
  if (timers.pending !== 0) throw new Error(`an open idle TLS layer left ${timers.pending} timer(s)`);
  return 1;
});

/** A pending timer of the simulator's `timer` module (a host object on a device). */
let pending: Timer | undefined;
const ignore = (): void => {};
expose("timerAlone", () => {
  pending = Timer.set(ignore, 1 << 30);
  return 1;
});
expose("timerClear", () => {
  if (pending) Timer.clear(pending);
  pending = undefined;
  return 0;
});
