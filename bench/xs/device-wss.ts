/**
 * Device side of the XS benchmark's wss figures, bundled into the simulator's
 * xsnap worker: a real Client on the device's own configuration
 * (modules/device/configured.ts: the mbedTLS transport over `wsx-tls`,
 * certificates from the flash bundle), whose `wsx-tls` is the C core in the
 * parent; the `wsx-tls` socket object alone, to subtract its share; and the
 * mbedTLS transport over a stand-in native in XS memory, for what it
 * allocates per message without the simulator's bridge traffic.
 */
import Timer from "timer";
import wsxTls from "wsx-tls";
import { withEntryDefaults } from "../../modules/api/options";
import { Client } from "../../modules/client/client";
import { defaults, runtime } from "../../modules/device/configured";
import type { Platform } from "../../modules/platform/platform";
import { MbedtlsSettings, MbedtlsTransport } from "../../modules/transport/mbedtls";
import { NativeState, STEP_PROGRESS, type MbedtlsNative } from "../../modules/transport/mbedtls-native";
import { expose } from "../../host-tests/xs/shims/expose";
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

/** The `wsx-tls` socket object alone (on a device: the binding's host object). */
let rawSocket: ReturnType<typeof wsxTls.open> | undefined;
expose("rawOpen", (args) => {
  rawSocket = wsxTls.open({ host: "127.0.0.1", port: Number(args[0]), secure: true, verify: false, insist: false });
  return 0;
});

expose("rawClose", () => {
  rawSocket?.close();
  rawSocket = undefined;
  return 0;
});

// ---- the transport alone, per message: the native stood in for by bytes in XS memory ----

interface Due {
  run: () => void;
  live: boolean;
}

/** Timers that run only when the bench says, so a measured call has no bridge traffic in it. */
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

  runDue(): void {
    const now = this.due;
    this.due = [];
    for (const timer of now) {
      if (!timer.live) continue;
      timer.live = false;
      timer.run();
    }
  }
}

let records: ArrayBuffer[] = [];
let nextRecord = 0;
let payload = new Uint8Array(0);
let received = 0;

/**
 * What the binding does per call, minus the C: read() hands over a fresh
 * ArrayBuffer, write() takes all. No own properties, as a host object has none.
 */
class MemorySocket {
  step(): number {
    return NativeState.OPEN | STEP_PROGRESS;
  }
  read(): ArrayBuffer | null {
    return nextRecord < records.length ? records[nextRecord++].slice(0) : null;
  }
  write(bytes: Uint8Array): number {
    return bytes.length;
  }
  shutdown(): void {}
  close(): void {}
  get state(): number {
    return NativeState.OPEN;
  }
  get failure(): number {
    return 0;
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
}

/** The same with nothing to read, for transports kept idle. */
class IdleSocket extends MemorySocket {
  override read(): ArrayBuffer | null {
    return null;
  }
}

const memoryNative: MbedtlsNative = { open: () => new MemorySocket() };
const idleNative: MbedtlsNative = { open: () => new IdleSocket() };

let transport: MbedtlsTransport | undefined;

const measured = new ManualTimers();
/** The idle transports' polls never run (they would allocate inside other measurements). */
const idle = new ManualTimers();
// Made once each, as a runtime's factory makes its settings once for all its connections.
const measuredSettings = new MbedtlsSettings({ native: memoryNative, platform: measured.platform });
const idleSettings = new MbedtlsSettings({ native: idleNative, platform: idle.platform });

/** The transport's listener: an instance of a class (its methods shared), so the idle transport's row holds no closures of ours. */
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

function openTransport(settings: MbedtlsSettings, timers: ManualTimers, counting: boolean): MbedtlsTransport {
  const listener = new TransportProbe(counting);
  const made = new MbedtlsTransport(settings);
  made.connect({ host: "localhost", port: 443, secure: true }, listener);
  while (!listener.opened) timers.runDue();
  return made;
}

/** A fresh transport, open, with `count` decrypted records of `size` bytes waiting (one per read). */
expose("transportPrepare", (args) => {
  const [size, count] = args as [number, number];
  records = [];
  for (let i = 0; i < count; i++) records.push(new ArrayBuffer(size));
  nextRecord = count; // nothing to read until transportFeed
  payload = new Uint8Array(size);
  received = 0;
  transport = openTransport(measuredSettings, measured, true);
  return count;
});

/** Every waiting record read through the transport's polls. */
expose("transportFeed", () => {
  nextRecord = 0;
  received = 0;
  while (nextRecord < records.length) measured.runDue();
  if (received !== records.length) throw new Error(`transport delivered ${received} chunks, expected ${records.length}`);
  return received;
});

/** `n` writes of the payload, each taken whole by the native at once. */
expose("transportSend", (args) => {
  const n = Number(args[0]);
  for (let i = 0; i < n; i++) transport!.write(payload);
  return n;
});

// ---- pieces of the idle connection, measured alone ----

/** An open idle transport over the stand-in, kept for a heap snapshot (its pending poll is one small object). */
let idleTransport: MbedtlsTransport | undefined;
const ignore = (): void => {};
expose("transportAlone", () => {
  idleTransport = openTransport(idleSettings, idle, false);
  return 1;
});

/** A pending timer of the simulator's `timer` module (a host object on a device). */
let pending: Timer | undefined;
expose("timerAlone", () => {
  pending = Timer.set(ignore, 1 << 30);
  return 1;
});
expose("timerClear", () => {
  if (pending) Timer.clear(pending);
  pending = undefined;
  return 0;
});
