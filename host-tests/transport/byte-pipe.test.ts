/**
 * The byte pipe (modules/transport/byte-pipe.ts) on its own: the smallest
 * transport over it (fixtures/pipe-probe.ts) on the XS engine, writing to a
 * real ECMA-419 socket of the host simulator, connected to Node servers on
 * 127.0.0.1. Its sink takes at most 700 bytes per push, no more than the
 * socket's writable count, and only the room the test grants: bytes wait in
 * the pipe's queue, exactly as many as the test expects, and leave it in
 * pieces once room is granted and the socket takes them.
 */
import net from "node:net";
import path from "node:path";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";
import { pattern } from "../support/pattern";

interface PipeEvent {
  type: string;
  id?: number;
  code?: string | null;
  inCall?: boolean;
  buffered?: number;
}

const PROBE = path.join(__dirname, "fixtures/pipe-probe.ts");
const CHUNK = 700;
/** Room granted to let everything out. */
const PLENTY = 1 << 30;

let sim: XsSimulator;
let log: EventLog<PipeEvent>;
const servers: net.Server[] = [];

beforeEach(async () => {
  log = new EventLog<PipeEvent>();
  sim = await XsSimulator.start(PROBE, { onHarnessEvent: (header) => log.push(header as unknown as PipeEvent) });
});

afterEach(async () => {
  const uncaught = [...sim.bridge.uncaught];
  await sim.stop();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  expect(uncaught).toEqual([]);
});

interface Peer {
  port: number;
  received(): Buffer;
  /** Resolves when the peer has seen our FIN. */
  ended: Promise<void>;
  /** Resolves when the connection is gone. */
  closed: Promise<void>;
  socket(): net.Socket;
}

async function peer(): Promise<Peer> {
  const chunks: Buffer[] = [];
  let socket: net.Socket | undefined;
  let ended!: () => void;
  let closed!: () => void;
  const endedP = new Promise<void>((resolve) => (ended = resolve));
  const closedP = new Promise<void>((resolve) => (closed = resolve));
  const server = net.createServer((s) => {
    socket = s;
    s.on("data", (chunk) => chunks.push(chunk));
    s.on("end", () => { ended(); s.end(); });
    s.on("close", () => closed());
    s.on("error", () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => Buffer.concat(chunks),
    ended: endedP,
    closed: closedP,
    socket: () => socket!,
  };
}

/** A pipe whose sink takes `budget` bytes before the test grants more. */
async function open(port: number, highWaterMark: number, budget = CHUNK): Promise<number> {
  const id = (await sim.call("open", [port, highWaterMark, CHUNK, budget])).result as number;
  await log.waitFor((e) => e.type === "open" && e.id === id, "open");
  return id;
}

interface Written {
  accepted: boolean[];
  buffered: number[];
  /** After end() or destroy() in the same turn: what waits, and what a write() then answers. */
  afterThen: { buffered: number; accepted: boolean } | null;
}

async function write(id: number, count: number, size: number, bytes: Uint8Array, then?: "end" | "destroy"): Promise<Written> {
  return (await sim.call("write", [id, count, size, then ?? null], bytes)).result as Written;
}

async function grant(id: number, bytes: number): Promise<number> {
  return (await sim.call("grant", [id, bytes])).result as number;
}

async function receivedAll(p: Peer, size: number): Promise<Buffer> {
  while (p.received().length < size) await new Promise((resolve) => setTimeout(resolve, 5));
  return p.received();
}

test("bytes the socket cannot take wait in order; write() says false from the high-water mark on; one onDrain once they are out", async () => {
  const p = await peer();
  const id = await open(p.port, 10000);
  const payload = pattern(30 * 1000, 7);
  const { accepted, buffered } = await write(id, 30, 1000, payload);
  // The first write went straight to the sink, 700 bytes of it (all the room there was); the rest waits.
  for (let i = 0; i < 30; i++) expect(buffered[i]).toBe((i + 1) * 1000 - CHUNK);
  // True while fewer than 10000 bytes wait: 10 writes (9300 waiting); from the 11th (10300) on, false.
  expect(accepted.indexOf(false)).toBe(10);
  expect(accepted.slice(10).every((a) => !a)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(p.received().length).toBe(CHUNK);
  expect(log.events.some((e) => e.type === "drain")).toBe(false);
  // Room in pieces: the queue empties in order, a partial head at a time; onDrain once, when nothing waits.
  expect(await grant(id, 4321)).toBe(payload.length - CHUNK - 4321);
  expect(log.events.some((e) => e.type === "drain")).toBe(false);
  expect(await grant(id, PLENTY)).toBeLessThan(payload.length - CHUNK - 4321);
  const drain = await log.waitFor((e) => e.type === "drain" && e.id === id, "drain");
  expect(drain.buffered).toBe(0);
  expect(drain.inCall).toBe(false);
  expect(Uint8Array.from(await receivedAll(p, payload.length))).toEqual(payload);
  const stats = (await sim.call("stats", [id])).result as { pushes: number; buffered: number };
  expect(stats.buffered).toBe(0);
  expect(stats.pushes).toBeGreaterThanOrEqual(Math.ceil(payload.length / CHUNK));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(log.events.filter((e) => e.type === "drain")).toHaveLength(1);
});

test("no onDrain is owed while every write() said true", async () => {
  const p = await peer();
  const id = await open(p.port, 100000, PLENTY);
  const payload = pattern(20 * 1000, 3);
  const { accepted } = await write(id, 20, 1000, payload);
  expect(accepted.every((a) => a)).toBe(true);
  expect(Uint8Array.from(await receivedAll(p, payload.length))).toEqual(payload);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(log.events.some((e) => e.type === "drain")).toBe(false);
});

test("end() lets the queue empty into the socket, then finishes once; onClose comes later, without error; write() after end() is refused", async () => {
  const p = await peer();
  const id = await open(p.port, 16384);
  const payload = pattern(50 * 1000, 5);
  const { afterThen } = await write(id, 50, 1000, payload, "end");
  expect(afterThen).toEqual({ buffered: payload.length - CHUNK, accepted: false }); // end() drops nothing
  // Nothing finishes while bytes wait.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(log.events.some((e) => e.type === "close")).toBe(false);
  expect(((await sim.call("stats", [id])).result as { ends: number }).ends).toBe(0);
  await grant(id, PLENTY);
  const close = await log.waitFor((e) => e.type === "close" && e.id === id, "close");
  expect(close.code).toBeNull();
  expect(close.inCall).toBe(false);
  await p.closed;
  expect(Uint8Array.from(p.received())).toEqual(payload);
  const stats = (await sim.call("stats", [id])).result as { ends: number; releases: number };
  expect(stats).toMatchObject({ ends: 1, releases: 1 });
  expect(log.events.filter((e) => e.type === "close")).toHaveLength(1);
});

test("destroy() drops what waits and reports onClose once, on a later turn, never inside the call", async () => {
  const p = await peer();
  const id = await open(p.port, 16384);
  const payload = pattern(20 * 1000, 9);
  const { afterThen } = await write(id, 20, 1000, payload, "destroy");
  expect(afterThen).toEqual({ buffered: 0, accepted: false });
  const close = await log.waitFor((e) => e.type === "close" && e.id === id, "close");
  expect(close).toMatchObject({ code: null, inCall: false });
  await p.closed;
  // Only what the socket had taken left: a prefix of the payload, not all of it.
  const got = p.received();
  expect(got.length).toBe(CHUNK);
  expect(Uint8Array.from(got)).toEqual(payload.subarray(0, got.length));
  const stats = (await sim.call("stats", [id])).result as { ends: number; releases: number };
  expect(stats).toMatchObject({ ends: 0, releases: 1 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(log.events.filter((e) => e.type === "close")).toHaveLength(1);
});

test("a peer that goes away while bytes wait: one onClose with the transport's error, and writes are refused", async () => {
  const p = await peer();
  const id = await open(p.port, 16384);
  await write(id, 20, 1000, pattern(20 * 1000, 1));
  p.socket().destroy();
  const close = await log.waitFor((e) => e.type === "close" && e.id === id, "close");
  expect(close).toMatchObject({ code: "CONNECTION_LOST", inCall: false, buffered: 0 });
  const { accepted } = await write(id, 1, 10, pattern(10));
  expect(accepted).toEqual([false]);
  const stats = (await sim.call("stats", [id])).result as { releases: number };
  expect(stats.releases).toBe(1);
});
