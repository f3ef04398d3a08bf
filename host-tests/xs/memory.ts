/**
 * XS heap figures for one client on the simulator, from xsnap's meters:
 * live slots after a full collection (what stays allocated) and slots
 * allocated by sending one message, receiving one, and one echo round trip,
 * before collection (what a message costs the collector). Chunk memory (ArrayBuffer and string contents) is not in
 * xsnap's meters; slot figures are converted to bytes at 16 bytes per slot,
 * the ESP32 (32-bit) slot size, and 32 on this 64-bit host.
 */
import net from "node:net";
import path from "node:path";
import type { WebSocketServer, WebSocket as WsPeer } from "ws";
import { EventLog } from "../support/event-log";
import { PROJECT_ROOT } from "../../simulator/paths";
import { XsSimulator } from "../../simulator/simulator";
import { startBenchWssPeer } from "./wss-bench-peer";
import { xsEngine, type HarnessClient } from "../support/engines";
import { startWsServer, type Started } from "../support/servers";


export const SLOT_BYTES_ESP32 = 16;
export const SLOT_BYTES_HOST = 32;

export interface MessageCost {
  size: number;
  /** The same bytes echoed through the bare ECMA-419 transport and the same harness plumbing, no WebSocket. */
  transportOnlySlots: number;
  /** Slots allocated by one send + echo + delivery, before any collection. */
  allocatedSlots: number;
  /** Slots allocated by sending one message (until the server has it), before any collection. */
  sentSlots: number;
  /** Slots allocated by receiving one message (until its event is delivered), before any collection. */
  receivedSlots: number;
  /** Slots still live after a collection, per message, averaged over `repeat` messages. */
  retainedSlotsPerMessage: number;
}

export interface XsMemoryReport {
  bundleBytes: number;
  /** Live slots once the bundle is loaded and collected, no connection. */
  baselineSlots: number;
  /** Slots a first connection leaves behind once closed: state made once and shared by later connections (per platform). */
  firstUseSlots: number;
  /** Extra live slots of one open, idle connection. */
  idleConnectionSlots: number;
  /** The same for a ReconnectingClient (default options: no keep-alive), its Client included. */
  idleReconnectingSlots: number;
  /** Extra live slots left after that connection closed and was dropped. */
  afterCloseSlots: number;
  /** Slots one harness call costs by itself (parent-to-worker plumbing, not the client). */
  callOverheadSlots: number;
  messages: MessageCost[];
}

async function echo(client: HarnessClient, data: Uint8Array, count: number): Promise<void> {
  const before = client.all("message").length;
  await client.send(data);
  await client.log.waitFor(() => client.all("message").length >= before + 1, `echo ${count}`);
}

const PROBE_ENTRY = path.join(PROJECT_ROOT, "host-tests/xs/fixtures/tcp419-probe.ts");
// The XS benchmark's device scripts: their listeners are one object of a class, as an app's can be,
// so what they hold is the library's (bench/xs/run.mjs reports the same in bytes).
const BENCH_DEVICE = path.join(PROJECT_ROOT, "bench/xs/device.ts");
const BENCH_DEVICE_WSS = path.join(PROJECT_ROOT, "bench/xs/device-wss.ts");

/** Live slots of one open idle connection of each kind, as an app with one listener object holds them. */
export interface IdleKinds {
  /** Client (device runtime, Tcp419Transport), the simulator's socket and the app's listener object. */
  client: number;
  /** ReconnectingClient, default options (no keep-alive). */
  reconnecting: number;
  /** ReconnectingClient with a keep-alive: its heartbeat and pending timer. */
  keepAlive: number;
  /** The browser-style WebSocket (modules/api/browser.ts) over its Client, onopen/onclose set. */
  browser: number;
  /** fibjs' ws.Socket, seed 000's ws.connect() and seed 001's websocket.new() + connect(), each over one Client. */
  fibjs: number;
  connect: number;
  luatos: number;
  /** The TLS layer open and idle over a stand-in native and inner transport (its listener object included). */
  tlsTransport: number;
}

/** One connection of each kind, opened after a first one of its kind came and went (shared state is not counted). */
export async function measureIdleKinds(): Promise<IdleKinds> {
  const log = new EventLog<{ type: string; id: number }>();
  const sim = await XsSimulator.start(BENCH_DEVICE, {
    onHarnessEvent: (header) => log.push({ type: String(header.type), id: Number(header.id) }),
  });
  const server = await startWsServer();
  try {
    const openOne = async (kind: string): Promise<number> => {
      const id = (await sim.call("open", [server.url, kind])).result as number;
      await log.waitFor((e) => e.type === "open" && e.id === id, `${kind} open`);
      return id;
    };
    const closeOne = async (id: number): Promise<void> => {
      await sim.call("close", [id]);
      await log.waitFor((e) => e.type === "close" && e.id === id, "close");
      await sim.call("forget", [id]);
    };
    const idleOf = async (kind: string): Promise<number> => {
      await closeOne(await openOne(kind));
      const before = (await sim.heap()).currentHeapCount;
      const id = await openOne(kind);
      const open = (await sim.heap()).currentHeapCount;
      await closeOne(id);
      return open - before;
    };
    const client = await idleOf("client");
    const reconnecting = await idleOf("reconnecting");
    const keepAlive = await idleOf("reconnecting-keepalive");
    const browser = await idleOf("browser");
    const fibjs = await idleOf("fibjs");
    const connect = await idleOf("connect");
    const luatos = await idleOf("luatos");
    return { client, reconnecting, keepAlive, browser, fibjs, connect, luatos, tlsTransport: await tlsTransportAlone() };
  } finally {
    await sim.stop();
    await server.close();
  }
}

/** Live slots of one open idle wss connection on the device's configuration, and of the simulator's host objects under it. */
export interface IdleWss {
  /** Client, TLS layer, TCP transport, the simulator's ECMA-419 socket and `wsx-tls` session objects, the app's listener object. */
  connection: number;
  /** The simulator's ECMA-419 socket and `wsx-tls` session objects alone (host objects on a device). */
  hostObjects: number;
}

/**
 * One wss connection of the device's own configuration (modules/device/configured.ts: the TLS layer
 * over the ECMA-419 TCP transport, mbedTLS through `wsx-tls`, the CA from the flash bundle), opened
 * after a first one came and went (the host's parsed settings and session are per host, not per
 * connection), as bench/xs measures it.
 */
export async function measureIdleWss(): Promise<IdleWss> {
  const log = new EventLog<{ type: string; id: number }>();
  const sim = await XsSimulator.start(BENCH_DEVICE_WSS, {
    onHarnessEvent: (header) => log.push({ type: String(header.type), id: Number(header.id) }),
  });
  const peer = await startBenchWssPeer();
  try {
    sim.bridge.build.resources.set("websocket-certs.wscb", peer.bundle);
    const url = `wss://localhost:${peer.port}/`;
    const openOne = async (): Promise<number> => {
      const id = (await sim.call("open", [url])).result as number;
      await log.waitFor((e) => e.type === "open" && e.id === id, "wss open");
      return id;
    };
    const closeOne = async (id: number): Promise<void> => {
      await sim.call("close", [id]);
      await log.waitFor((e) => e.type === "close" && e.id === id, "wss close");
      await sim.call("forget", [id]);
    };
    await closeOne(await openOne());
    const before = (await sim.heap()).currentHeapCount;
    const id = await openOne();
    await new Promise((resolve) => setTimeout(resolve, 50)); // idle: the TLS layer sets no timer
    const connection = (await sim.heap()).currentHeapCount - before;
    await closeOne(id);
    await sim.call("rawHost");
    const beforeSession = (await sim.heap()).currentHeapCount;
    await sim.call("rawOpen");
    const session = (await sim.heap()).currentHeapCount - beforeSession;
    await sim.call("rawClose");
    const beforeTcp = (await sim.heap()).currentHeapCount;
    await sim.call("tcpOpen", [peer.port]);
    const tcp = (await sim.heap()).currentHeapCount - beforeTcp;
    await sim.call("tcpClose");
    return { connection, hostObjects: session + tcp };
  } finally {
    await sim.stop();
    await peer.close();
  }
}

async function tlsTransportAlone(): Promise<number> {
  const sim = await XsSimulator.start(BENCH_DEVICE_WSS);
  try {
    await sim.call("transportAlone"); // a first one: what the first use makes is not per connection
    const before = (await sim.heap()).currentHeapCount;
    await sim.call("transportAlone");
    return (await sim.heap()).currentHeapCount - before;
  } finally {
    await sim.stop();
  }
}

/** Slots one echo round trip allocates through Tcp419Transport alone (simulator plumbing included). */
async function transportOnlyCosts(sizes: number[]): Promise<Map<number, number>> {
  const log = new EventLog<{ type: string; total: number }>();
  const sim = await XsSimulator.start(PROBE_ENTRY, {
    onHarnessEvent: (header) => log.push({ type: String(header.type), total: Number(header.total ?? 0) }),
  });
  const server = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const costs = new Map<number, number>();
  try {
    const id = (await sim.call("connect", ["127.0.0.1", (server.address() as net.AddressInfo).port, null])).result;
    await log.waitFor((e) => e.type === "open", "open");
    let received = 0;
    // Like the client's echo: one call in, one event out, however many reads in between.
    const echo = async (size: number): Promise<void> => {
      const target = received + size;
      await sim.call("write", [id, target], new Uint8Array(size).fill(0x61));
      await log.waitFor((e) => e.type === "received" && e.total >= target, "raw echo");
      received = target;
    };
    for (const size of sizes) {
      await echo(size);
      const collected = (await sim.heap()).currentHeapCount;
      await echo(size);
      await sim.engine.idle();
      costs.set(size, sim.engine.lastMeter!.currentHeapCount - collected);
    }
  } finally {
    await sim.stop();
    await new Promise((resolve) => server.close(resolve));
  }
  return costs;
}

export async function measureXsMemory(sizes = [16, 125, 1024, 65536], repeat = 50): Promise<XsMemoryReport> {
  const transportOnly = await transportOnlyCosts(sizes);
  const engine = xsEngine();
  let server: Started<WebSocketServer> | undefined;
  let oneWay: Started<WebSocketServer> | undefined;
  await engine.start();
  try {
    const sim = engine.simulator();
    server = await startWsServer();
    const baseline = (await sim.heap()).currentHeapCount;
    // A first connection, opened and closed, so state made once (and shared) is not counted per connection.
    const first = await engine.open(server.url);
    await first.next("open");
    await first.close();
    await first.next("close");
    await sim.call("forget", [0]);
    const warm = (await sim.heap()).currentHeapCount;
    const client = await engine.open(server.url);
    await client.next("open");
    const idle = (await sim.heap()).currentHeapCount;
    const beforeNoop = (await sim.heap()).currentHeapCount;
    await sim.call("noop");
    const callOverhead = sim.engine.lastMeter!.currentHeapCount - beforeNoop;

    // One-way traffic on a second connection: a server that counts what it gets and pushes on demand.
    let peer: WsPeer | undefined;
    let got = 0;
    oneWay = await startWsServer({}, (p) => {
      peer = p;
      p.on("message", () => got++);
    });
    const oneWayClient = await engine.open(oneWay.url);
    await oneWayClient.next("open");
    const sendOne = async (data: Uint8Array): Promise<void> => {
      const before = got;
      await oneWayClient.send(data);
      while (got === before) await new Promise((resolve) => setTimeout(resolve, 1));
      await sim.engine.idle();
    };
    const receiveOne = async (data: Uint8Array): Promise<void> => {
      const before = oneWayClient.all("message").length;
      peer!.send(data);
      await oneWayClient.log.waitFor(() => oneWayClient.all("message").length > before, "pushed message");
      await sim.engine.idle();
    };
    const costOf = async (action: () => Promise<void>): Promise<number> => {
      await action(); // warm up
      const collected = (await sim.heap()).currentHeapCount;
      await action();
      return sim.engine.lastMeter!.currentHeapCount - collected;
    };

    const messages: MessageCost[] = [];
    for (const size of sizes) {
      const oneWayData = new Uint8Array(size).fill(0x62);
      const sentSlots = await costOf(() => sendOne(oneWayData));
      const receivedSlots = await costOf(() => receiveOne(oneWayData));
      oneWayClient.log.events.length = 0;
      const data = new Uint8Array(size).fill(0x61);
      await echo(client, data, 0); // warm up: first-use allocations are not per-message costs
      const collected = (await sim.heap()).currentHeapCount;
      await echo(client, data, 1);
      await sim.engine.idle();
      const allocated = sim.engine.lastMeter!.currentHeapCount - collected;
      for (let i = 0; i < repeat; i++) await echo(client, data, i + 2);
      const retained = (await sim.heap()).currentHeapCount - collected;
      messages.push({
        size,
        transportOnlySlots: transportOnly.get(size)!,
        allocatedSlots: allocated,
        sentSlots,
        receivedSlots,
        retainedSlotsPerMessage: retained / (repeat + 1),
      });
      client.log.events.length = 0; // the parent's log, not the worker's heap
    }

    // A reconnecting client, open and idle, after a first one came and went: what the first made once for
    // the app (its Client's shared state, the platform clock's run-time state) is not counted per connection.
    const firstReconnecting = await engine.open(server.url, {}, "reconnecting");
    await firstReconnecting.next("open");
    await firstReconnecting.close();
    await firstReconnecting.next("close");
    await sim.call("forget", [3]);
    const beforeReconnecting = (await sim.heap()).currentHeapCount;
    const reconnecting = await engine.open(server.url, {}, "reconnecting");
    await reconnecting.next("open");
    const idleReconnecting = (await sim.heap()).currentHeapCount - beforeReconnecting;

    for (const [id, c] of [[1, client], [2, oneWayClient], [4, reconnecting]] as const) {
      await c.close();
      await c.next("close");
      await sim.call("forget", [id]);
    }
    const after = (await sim.heap()).currentHeapCount;
    return {
      bundleBytes: sim.bundleBytes,
      baselineSlots: baseline,
      firstUseSlots: warm - baseline,
      idleConnectionSlots: idle - warm,
      idleReconnectingSlots: idleReconnecting,
      afterCloseSlots: after - warm,
      callOverheadSlots: callOverhead,
      messages,
    };
  } finally {
    await server?.close();
    await oneWay?.close();
    await engine.stop();
  }
}

export function formatIdleKinds(kinds: IdleKinds): string {
  const line = (what: string, slots: number): string => `  ${what}: ${slots} slots (~${kb(slots, SLOT_BYTES_ESP32)} on ESP32)`;
  return [
    "XS live slots of one open idle connection (bench/xs device scripts; the app's listener is one object)",
    line("Client with its socket", kinds.client),
    line("ReconnectingClient, no keep-alive, with its socket", kinds.reconnecting),
    line("ReconnectingClient with keep-alive, with its socket", kinds.keepAlive),
    line("browser-style WebSocket with its socket", kinds.browser),
    line("fibjs ws.Socket with its socket", kinds.fibjs),
    line("seed 000 ws.connect() client with its socket", kinds.connect),
    line("seed 001 (LuatOS) websocket.new() + connect() with its socket", kinds.luatos),
    line("TLS layer alone over a stand-in native and inner transport", kinds.tlsTransport),
  ].join("\n");
}

function kb(slots: number, size: number): string {
  return `${((slots * size) / 1024).toFixed(1)} KiB`;
}

export function formatXsMemory(report: XsMemoryReport): string {
  const kb = (slots: number, size: number): string => `${((slots * size) / 1024).toFixed(1)} KiB`;
  const lines = [
    `XS heap (xsnap meters; slots: ${SLOT_BYTES_ESP32} B each on ESP32, ${SLOT_BYTES_HOST} B on this host; chunk memory not included)`,
    `  bundle: ${report.bundleBytes} bytes of JavaScript; baseline ${report.baselineSlots} live slots`,
    `  made once by the first connection (shared by later ones): ${report.firstUseSlots} slots`,
    `  one open idle connection: ${report.idleConnectionSlots} slots (~${kb(report.idleConnectionSlots, SLOT_BYTES_ESP32)} on ESP32), the test harness's listener included`,
    `  one open idle ReconnectingClient: ${report.idleReconnectingSlots} slots (~${kb(report.idleReconnectingSlots, SLOT_BYTES_ESP32)} on ESP32), the harness's listener included`,
    `  after close and release: ${report.afterCloseSlots} slots above baseline`,
    `  simulator plumbing: ${report.callOverheadSlots} slots per harness call; socket events and reads also pass through the bridge shims, so per-message figures are upper bounds`,
  ];
  for (const m of report.messages) {
    lines.push(
      `  ${m.size} B message: send ${m.sentSlots} slots, receive ${m.receivedSlots} slots; ` +
        `echo ${m.allocatedSlots} slots per round trip (~${kb(m.allocatedSlots, SLOT_BYTES_ESP32)} on ESP32); ` +
        `the same bytes through the bare transport and the same plumbing: ${m.transportOnlySlots}; ` +
        `${m.retainedSlotsPerMessage.toFixed(2)} retained per message`,
    );
  }
  return lines.join("\n");
}
