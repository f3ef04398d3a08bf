/**
 * The ECMA-419 transport (modules/transport/tcp419.ts) and the Moddable
 * platform, running on the XS engine through the simulator bridge, against
 * real Node TCP servers on 127.0.0.1.
 */
import net from "node:net";
import path from "node:path";
import { EventLog } from "../support/event-log";
import { XsSimulator } from "../../simulator/simulator";
import { LWIP_TCP_SND_BUF } from "../../simulator/bridge";
import { pattern } from "../support/pattern";

interface ProbeEvent {
  type: string;
  id?: number;
  bytes?: Uint8Array;
  code?: string | null;
  message?: string | null;
  buffered?: number;
  which?: string;
}

const PROBE = path.join(__dirname, "fixtures/tcp419-probe.ts");

let sim: XsSimulator;
let log: EventLog<ProbeEvent>;
const servers: net.Server[] = [];

beforeEach(async () => {
  log = new EventLog<ProbeEvent>();
  sim = await XsSimulator.start(PROBE, {
    onHarnessEvent: (header, body) => log.push({ ...(header as unknown as ProbeEvent), bytes: body.length ? body : undefined }),
  });
});

afterEach(async () => {
  const uncaught = [...sim.bridge.uncaught];
  await sim.stop();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  expect(uncaught).toEqual([]);
});

async function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

const echoServer = (): Promise<number> => listen((socket) => socket.pipe(socket));


function received(id: number): Uint8Array {
  const chunks = log.events.filter((e) => e.type === "data" && e.id === id).map((e) => e.bytes!);
  return Uint8Array.from(Buffer.concat(chunks));
}

async function receiveAll(id: number, size: number): Promise<Uint8Array> {
  await log.waitFor(() => received(id).length >= size, `${size} echoed bytes`);
  return received(id);
}

async function connect(host: string, port: number, highWaterMark?: number): Promise<number> {
  const { result } = await sim.call("connect", [host, port, highWaterMark ?? null]);
  return result as number;
}

test("the bundle runs on XS without Node globals", async () => {
  const { result } = await sim.call("globals");
  expect(result).toEqual({ Buffer: "undefined", process: "undefined", setTimeout: "undefined" });
});

test("bytes round-trip through an echo server", async () => {
  const port = await echoServer();
  const id = await connect("127.0.0.1", port);
  await log.waitFor((e) => e.type === "open" && e.id === id, "open");
  const payload = pattern(1000);
  const { result } = await sim.call("write", [id], payload);
  expect(result).toEqual({ accepted: true, buffered: 0 });
  expect(await receiveAll(id, payload.length)).toEqual(payload);
});

test("bytes written before the socket connects are queued and sent after", async () => {
  const port = await echoServer();
  const payload = pattern(300, 3);
  const { result } = await sim.call("connect", ["127.0.0.1", port, null], payload);
  const { id, ...queued } = result as { id: number; accepted: boolean; buffered: number };
  expect(queued).toEqual({ accepted: true, buffered: 300 });
  expect(await receiveAll(id, payload.length)).toEqual(payload);
});

test("a 1 MiB write is queued and fed to the socket no faster than its writable count", async () => {
  const port = await echoServer();
  const id = await connect("127.0.0.1", port);
  await log.waitFor((e) => e.type === "open" && e.id === id, "open");
  const payload = pattern(1024 * 1024, 11);
  const { result } = await sim.call("write", [id], payload);
  const { accepted, buffered } = result as { accepted: boolean; buffered: number };
  expect(accepted).toBe(false); // over the high-water mark: wait for drain
  expect(buffered).toBe(payload.length - LWIP_TCP_SND_BUF); // one writable count went out at once
  const drain = await log.waitFor((e) => e.type === "drain" && e.id === id, "drain");
  expect(drain.buffered).toBe(0);
  expect(await receiveAll(id, payload.length)).toEqual(payload);
  expect(sim.bridge.stats.wouldBlock).toBe(0);
  expect(sim.bridge.stats.largestWrite).toBeLessThanOrEqual(LWIP_TCP_SND_BUF);
  const { result: after } = await sim.call("bufferedAmount", [id]);
  expect(after).toBe(0);
});

test("a peer close arrives as onError after the last bytes, and closes with CONNECTION_LOST", async () => {
  const port = await listen((socket) => socket.end("bye"));
  const id = await connect("127.0.0.1", port);
  const close = await log.waitFor((e) => e.type === "close" && e.id === id, "close");
  expect(close.code).toBe("CONNECTION_LOST");
  expect(close.message).toContain(`127.0.0.1:${port}`);
  expect(Buffer.from(received(id)).toString()).toBe("bye");
  const order = log.events.filter((e) => e.id === id).map((e) => e.type);
  expect(order).toEqual(["open", "data", "close"]);
});

test("connect, bytes and FIN in one batch (writable dropped, as lwIP does): open, data, then CONNECTION_LOST", async () => {
  const port = await listen((socket) => socket.end("hello and goodbye"));
  sim.bridge.holdSocketEvents();
  const id = await connect("127.0.0.1", port);
  while (sim.bridge.stats.socketsFailed === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  sim.bridge.releaseSocketEvents();
  const close = await log.waitFor((e) => e.type === "close" && e.id === id, "close");
  expect(close.code).toBe("CONNECTION_LOST");
  expect(Buffer.from(received(id)).toString()).toBe("hello and goodbye");
  expect(log.events.filter((e) => e.id === id).map((e) => e.type)).toEqual(["open", "data", "close"]);
});

test("a refused port closes with CONNECTION_FAILED and never opens", async () => {
  const port = await listen(() => undefined);
  await new Promise((resolve) => servers.pop()!.close(resolve));
  const id = await connect("127.0.0.1", port);
  const close = await log.waitFor((e) => e.type === "close" && e.id === id, "close");
  expect(close.code).toBe("CONNECTION_FAILED");
  expect(log.events.some((e) => e.type === "open" && e.id === id)).toBe(false);
});

test("host names go through Net.resolve; an unknown name fails with CONNECTION_FAILED", async () => {
  const port = await echoServer();
  const good = await connect("localhost", port);
  await log.waitFor((e) => e.type === "open" && e.id === good, "open via localhost");
  const bad = await connect("no-such-host.invalid", port);
  const close = await log.waitFor((e) => e.type === "close" && e.id === bad, "close");
  expect(close.code).toBe("CONNECTION_FAILED");
  expect(close.message).toContain("host name not found");
});

test("end() flushes what is queued, then sends FIN and closes without error", async () => {
  let serverGot = Buffer.alloc(0);
  const ended = new Promise<void>((resolve) => {
    void listen((socket) => {
      socket.on("data", (chunk) => (serverGot = Buffer.concat([serverGot, chunk])));
      socket.on("end", () => {
        socket.end();
        resolve();
      });
    }).then((port) => connect("127.0.0.1", port).then(async (id) => {
      await log.waitFor((e) => e.type === "open" && e.id === id, "open");
      await sim.call("write", [id], pattern(100000, 5));
      await sim.call("end", [id]);
    }));
  });
  await ended;
  expect(Uint8Array.from(serverGot)).toEqual(pattern(100000, 5));
  const close = await log.waitFor((e) => e.type === "close", "close");
  expect(close.code).toBeNull();
});

test("pause() stops reading; resume() reads what waited", async () => {
  let serverSocket: net.Socket | undefined;
  const port = await listen((socket) => (serverSocket = socket));
  const id = await connect("127.0.0.1", port);
  await log.waitFor((e) => e.type === "open" && e.id === id, "open");
  await sim.call("pause", [id]);
  const readableBefore = sim.bridge.stats.readableEvents;
  serverSocket!.write("while paused");
  while (sim.bridge.stats.readableEvents === readableBefore) await new Promise((resolve) => setTimeout(resolve, 5));
  await sim.engine.idle();
  expect(log.events.filter((e) => e.type === "data")).toEqual([]);
  await sim.call("resume", [id]);
  expect(Buffer.from(await receiveAll(id, 12)).toString()).toBe("while paused");
});

test("Moddable platform timers fire in order and a cleared timer never fires", async () => {
  await sim.call("timers", [20, 60]);
  await log.waitFor((e) => e.type === "timer" && e.which === "long", "long timer");
  const fired = log.events.filter((e) => e.type === "timer").map((e) => e.which);
  expect(fired).toEqual(["short", "long"]);
});

test("the timer shim is as strict as Moddable's: a one-shot timer can be cleared in its callback, not after", async () => {
  await sim.call("rawTimerClearAfterFire");
  expect((await log.waitFor((e) => e.type === "raw-timer", "raw timer")) as unknown).toMatchObject({ inside: "", fired: "invalid timer", cleared: "invalid timer" });
});

test("random bytes come from the bridge and differ between draws", async () => {
  const a = (await sim.call("random", [32])).bytes!;
  const b = (await sim.call("random", [32])).bytes!;
  expect(a.length).toBe(32);
  expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
});
