/**
 * What a busy device sees: several socket happenings delivered in one batch.
 * Moddable's lwIP socket coalesces readable + error and clears `ready`, so
 * the client's reply to a close frame meets a socket that refuses writes.
 * The simulator can hold socket events back to reproduce that exactly; Node
 * runs the same scenario unbatched, and both must report the same close.
 */
import type net from "node:net";
import { engines, type Engine } from "../support/engines";
import { closeFrame, frame } from "../support/frames";
import { requestKey, response101 } from "../support/open-core";
import { startRawServer, type Started } from "../support/servers";
import type { XsSimulator } from "../../simulator/simulator";

describe.each(engines)("on %s", (name, makeEngine) => {
  let engine: Engine;
  let server: Started<net.Server>;
  let peer: net.Socket | undefined;

  beforeAll(async () => {
    engine = makeEngine();
    await engine.start();
  });
  afterAll(() => engine.stop());
  beforeEach(async () => {
    peer = undefined;
    server = await startRawServer((socket, request) => {
      peer = socket;
      socket.write(response101(requestKey(Buffer.from(request, "latin1"))));
    });
  });
  afterEach(async () => {
    await server.close();
    expect(engine.uncaught()).toEqual([]);
  });

  const simulator = (): XsSimulator | undefined =>
    name === "xs" ? (engine as Engine & { simulator(): XsSimulator }).simulator() : undefined;

  test("a last message, a close frame and FIN arriving together: message, then close 4003 'gone'", async () => {
    const client = await engine.open(server.url);
    await client.next("open");
    const sim = simulator();
    const failedBefore = sim?.bridge.stats.socketsFailed ?? 0;
    sim?.bridge.holdSocketEvents();
    peer!.write(frame(1, "last words"));
    peer!.write(closeFrame(4003, "gone"));
    peer!.end();
    if (sim) {
      while (sim.bridge.stats.socketsFailed === failedBefore) await new Promise((resolve) => setTimeout(resolve, 5));
      sim.bridge.releaseSocketEvents();
    }
    const close = await client.next("close");
    expect(client.all("message").map((m) => m.data)).toEqual(["last words"]);
    expect(close).toEqual({ type: "close", code: 4003, reason: "gone", wasClean: true });
    expect(client.all("error")).toEqual([]);
    // On XS the close reply met lwIP's cleared `ready`: the batch really was one delivery.
    if (sim) expect(sim.bridge.stats.notReady).toBe(1);
  });
});
