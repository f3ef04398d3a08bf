import { ReconnectingClient } from "../../modules/reconnecting/reconnecting";
import { nodeRuntime } from "../../node/runtime";
import { killHard, spawnEchoServer, type ChildServer } from "./child-server";
import { EventLog, waitFor } from "./harness";

let server: ChildServer | undefined;
afterEach(async () => { if (server) await killHard(server); server = undefined; });

// The same machinery on Node's own timers (no manual clock): small delays, no assertion on how long anything took.
test("on real timers: kill -9, restart on the same port, the queued message arrives", async () => {
  server = await spawnEchoServer();
  const port = server.port;
  const log = new EventLog();
  const rc = new ReconnectingClient(nodeRuntime, `ws://127.0.0.1:${port}`,
    { reconnect: { baseDelay: 20, maxDelay: 100 }, keepAlive: 2000 }, log.listener);
  await waitFor(() => rc.online, "open");
  await killHard(server);
  await waitFor(() => !rc.online, "the loss");
  rc.send("while down");
  server = await spawnEchoServer(port);
  await waitFor(() => log.messages.length === 1, "the queued message's echo", 10000);
  expect(log.messages).toEqual(["while down"]);
  expect(log.flow[0]).toBe("open");
  expect(log.flow.at(-1)).toBe("open");
  expect(log.flow.filter((e) => e.startsWith("reconnecting")).length).toBeGreaterThanOrEqual(1);
  rc.close(1000);
  await waitFor(() => rc.readyState === 3, "final close");
  expect(log.flow.at(-1)).toBe("close 1000 true");
  expect(log.undelivered).toEqual([]);
});
