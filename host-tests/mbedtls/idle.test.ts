/**
 * mbedtlsRuntime({ platform }) (issue 17 §4): the device's TLS path on Node
 * schedules no timer while a wss connection is open and idle. The platform
 * given counts every timer the runtime and the Client set, fire or clear.
 */
import { Client } from "../../modules/client/client";
import { WebSocketError } from "../../modules/core/errors";
import type { Platform, TimerHandle } from "../../modules/platform/platform";
import { mbedtlsRuntime } from "../../node/mbedtls";
import { nodePlatform } from "../../node/platform";
import { makeTestPki, type TestPki } from "./pki";
import { startWssEcho, type PeerServer } from "./servers";

let pki: TestPki;
let server: PeerServer;

beforeAll(async () => {
  pki = makeTestPki();
  server = await startWssEcho({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
});
afterAll(async () => {
  await server.close();
  pki.remove();
});

/** The Node platform, with its timers counted. */
function watching(): Platform & { set: number; fired: number; live: Set<TimerHandle> } {
  const live = new Set<TimerHandle>();
  const platform = {
    ...nodePlatform,
    set: 0,
    fired: 0,
    live,
    setTimer(callback: () => void, ms: number): TimerHandle {
      platform.set++;
      const handle: TimerHandle = nodePlatform.setTimer(() => {
        live.delete(handle);
        platform.fired++;
        callback();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimer(handle: TimerHandle): void {
      live.delete(handle);
      nodePlatform.clearTimer(handle);
    },
  };
  return platform;
}

test("an open, idle wss connection through mbedtlsRuntime has no timer pending and none fires", async () => {
  const platform = watching();
  const runtime = mbedtlsRuntime({ platform });
  expect(runtime.platform).toBe(platform);
  let opened!: () => void;
  const open = new Promise<void>((resolve) => { opened = resolve; });
  const messages: string[] = [];
  const client = new Client(runtime, `wss://127.0.0.1:${server.port}/`, { tls: { ca: [pki.text("ca.pem")], servername: "localhost" } }, {
    onOpen: () => opened(),
    onMessage: (data) => { messages.push(String(data)); },
  });
  await open;
  client.send("one round trip first");
  while (messages.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  const set = platform.set;
  const fired = platform.fired;
  expect(platform.live.size).toBe(0); // the connect timeout was cleared at open; TLS keeps none
  await new Promise((resolve) => setTimeout(resolve, 500)); // idle
  expect(platform.set).toBe(set);
  expect(platform.fired).toBe(fired);
  expect(platform.live.size).toBe(0);
  client.close();
});

test("mbedtlsRuntime checks its own options where they enter", () => {
  expect(() => mbedtlsRuntime({ platform: {} as Platform })).toThrow(/mbedtlsRuntime option platform must be a Platform, got an object/);
  expect(() => mbedtlsRuntime({ addonPath: 7 as never })).toThrow(/addonPath must be a string, got 7/);
  expect(() => mbedtlsRuntime({ handshakeTimeout: -1 })).toThrow(/handshakeTimeout must be an integer from 0 to 2147483647, got -1/);
});

test("without the addon, mbedtlsRuntime says where it looked and the command that builds it", () => {
  let thrown: unknown;
  try {
    mbedtlsRuntime({ addonPath: "/nonexistent/wsx_tls.node" });
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WebSocketError);
  expect((thrown as WebSocketError).code).toBe("TLS_ERROR");
  expect((thrown as WebSocketError).message).toMatch(/the mbedTLS addon \(wsx_tls\.node\) is not built \(looked at \/nonexistent\/wsx_tls\.node\)/);
  expect((thrown as WebSocketError).message).toMatch(/Build it with `sh (\S*\/)?scripts\/build-native\.sh`/);
});
