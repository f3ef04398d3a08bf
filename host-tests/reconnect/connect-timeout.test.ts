import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { ReconnectingClient } from "../../modules/reconnecting/reconnecting";
import { ManualPlatform, constantBytes } from "../support/manual-platform";
import { EventLog, manualRuntime, waitFor } from "./harness";

/** Accepts TCP, reads the handshake request, never answers. */
async function startSilentServer(): Promise<{ url: string; accepted: () => number; requests: () => number; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    let head = "";
    socket.on("data", (d) => { head += d.toString("latin1"); if (head.endsWith("\r\n\r\n")) requests++; });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: () => sockets.length,
    requests: () => requests,
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

let silent: Awaited<ReturnType<typeof startSilentServer>>;
beforeEach(async () => { silent = await startSilentServer(); });
afterEach(() => silent.close());

describe("a server that accepts TCP and never answers the handshake", () => {
  test("the default 10 s connect timeout fires on the platform clock, then the client retries", async () => {
    const platform = new ManualPlatform({ random: constantBytes(0xff) });
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), silent.url, {}, log.listener);
    await waitFor(() => silent.requests() === 1, "the handshake request");
    platform.advance(9999);
    expect(log.events).toEqual([]);
    expect(rc.readyState).toBe(0);
    platform.advance(1);
    await waitFor(() => log.count("reconnecting") === 1, "reconnecting");
    expect(log.events).toEqual(["error CONNECT_TIMEOUT", "close 1006 false", "reconnecting 1 999"]);
    expect(log.errors[0].message).toMatch(/within 10000 ms/);

    platform.advance(999);
    await waitFor(() => silent.requests() === 2, "the second handshake request");
    // The user gives up while the second attempt hangs: no further attempt.
    rc.close();
    await waitFor(() => rc.readyState === 3, "close");
    expect(log.events.slice(3)).toEqual(["error ABORTED", "close 1006 false"]);
    expect(platform.pendingTimers).toBe(0);
    expect(silent.accepted()).toBe(2);
  });

  test("connectTimeout is configurable; with reconnect: false it is final and queued sends are reported", async () => {
    const platform = new ManualPlatform();
    const log = new EventLog();
    const rc = new ReconnectingClient(manualRuntime(platform), silent.url, { connectTimeout: 2500, reconnect: false }, log.listener);
    rc.send("never");
    await waitFor(() => silent.requests() === 1, "the handshake request");
    platform.advance(2499);
    expect(rc.readyState).toBe(0);
    platform.advance(1);
    await waitFor(() => rc.readyState === 3, "close");
    expect(log.events).toEqual(["error CONNECT_TIMEOUT", "undelivered 1 5", "close 1006 false"]);
    expect(log.undelivered[0].reason).toMatch(/without reconnect/);
    expect(platform.pendingTimers).toBe(0);
  });
});
