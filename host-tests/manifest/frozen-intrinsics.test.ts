/**
 * On a Moddable device the built-ins live in flash and are frozen (XS preload),
 * so assigning a property that a frozen prototype already has (`this.name = ...`
 * on an Error, `obj.toString = ...`) throws a TypeError there: JavaScript's
 * "override mistake". Seen in the Moddable simulator: `new WebSocketError(...)`
 * threw "set name: not writable". These tests run the device modules in a realm
 * whose intrinsics are frozen the same way, so bad input must still come back
 * as a typed WebSocketError, not a TypeError from the error's own constructor.
 */
import { build } from "esbuild";
import type { WebsocketModule } from "../../modules/api/connect";
import type { Runtime } from "../../modules/endpoint/runtime";
import { nodeRuntime } from "../../node/runtime";
import { startRawServer, startWsServer, type Started } from "../support/servers";
import type { WebSocketServer } from "ws";
import { join, resolve } from "node:path";
import vm from "node:vm";

const ROOT = resolve(__dirname, "..", "..");

/** Deep-freezes every intrinsic reachable from the realm's global object, as XS does for preloaded built-ins. */
const FREEZE_INTRINSICS = `(() => {
  const seen = new Set();
  const freeze = (value) => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) return;
    seen.add(value);
    Object.freeze(value);
    freeze(Object.getPrototypeOf(value));
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (!d) continue;
      if ("value" in d) freeze(d.value); else { freeze(d.get); freeze(d.set); }
    }
  };
  for (const key of Reflect.ownKeys(globalThis)) {
    if (key === "globalThis") continue;
    freeze(Object.getOwnPropertyDescriptor(globalThis, key).value);
  }
  freeze(Object.getPrototypeOf(function* () {}));
  freeze(Object.getPrototypeOf(async function () {}));
  freeze(Object.getPrototypeOf(Uint8Array));
})();`;

interface DeviceModules {
  WebSocketError: new (code: string, message: string) => Error & { code: string };
  parseUrl(url: string): unknown;
  makeConnectModule(runtime: Runtime): WebsocketModule;
  frozen: boolean;
}

async function loadFrozen(): Promise<DeviceModules> {
  const result = await build({
    stdin: {
      contents: [
        'export { WebSocketError } from "./modules/core/errors";',
        'export { parseUrl } from "./modules/core/url";',
        'export { makeConnectModule } from "./modules/api/connect";',
      ].join("\n"),
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    globalName: "device",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const context = vm.createContext({});
  vm.runInContext(FREEZE_INTRINSICS, context);
  vm.runInContext(result.outputFiles[0].text, context, { filename: join(ROOT, "device-bundle.js") });
  const device = vm.runInContext("device", context) as Omit<DeviceModules, "frozen">;
  return { ...device, frozen: vm.runInContext("Object.isFrozen(Error.prototype)", context) as boolean };
}

describe("device modules in a realm with frozen intrinsics (as on Moddable)", () => {
  let device: DeviceModules;
  beforeAll(async () => { device = await loadFrozen(); });

  test("the realm really is frozen (Error.prototype included)", () => {
    expect(device.frozen).toBe(true);
  });

  test("a WebSocketError can be constructed and keeps its name and code", () => {
    const error = new device.WebSocketError("INVALID_URL", "bad url");
    expect(error.name).toBe("WebSocketError");
    expect(error.code).toBe("INVALID_URL");
    expect(error.message).toBe("bad url");
  });

  test("a bad URL is reported as a typed WebSocketError naming the URL", () => {
    let thrown: unknown;
    try { device.parseUrl("http://127.0.0.1/"); } catch (error) { thrown = error; }
    expect(thrown).toBeInstanceOf(device.WebSocketError);
    expect((thrown as { code: string }).code).toBe("INVALID_URL");
    expect((thrown as Error).message).toContain("http://127.0.0.1/");
  });
});

/**
 * Seed 000's flow with the client's own code (core, Client, connect facade) in the frozen realm; the
 * runtime (Node sockets and timers) comes from outside, as Moddable's host modules do on a device.
 */
describe("seed 000 over a real server, client code in a realm with frozen intrinsics", () => {
  let device: DeviceModules;
  let server: Started<WebSocketServer>;
  beforeAll(async () => {
    device = await loadFrozen();
    server = await startWsServer();
  });
  afterAll(() => server.close());

  test("open, three echoes, close", async () => {
    const ws = device.makeConnectModule(nodeRuntime);
    const client = ws.connect(server.url);
    const echoes: unknown[] = [];
    const closed = new Promise<number>((resolve) => {
      client.on("open", () => client.send("hello ws. 0"));
      client.on("message", (msg) => {
        echoes.push(msg.payload);
        if (echoes.length < 3) client.send(`hello ws. ${echoes.length}`);
        else client.close(1000, "done");
      });
      client.on("close", (option) => resolve(option.code));
    });
    expect(await closed).toBe(1000);
    expect(echoes).toEqual(["hello ws. 0", "hello ws. 1", "hello ws. 2"]);
    expect(client.readyState).toBe(3);
  });

  test("a refused handshake reports an 'error' with the seed's WS_CONN_ERR, then 'close'", async () => {
    // The core (in the frozen realm) judges the answer and makes the WebSocketError.
    const refusing = await startRawServer((socket) => socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    try {
      const ws = device.makeConnectModule(nodeRuntime);
      const client = ws.connect(refusing.url);
      const events: string[] = [];
      await new Promise<void>((resolve) => {
        client.on("error", (option) => events.push(`error ${option.name} ${option.code}`));
        client.on("close", () => { events.push("close"); resolve(); });
      });
      expect(events).toEqual(["error WS_CONN_ERR HANDSHAKE_FAILED", "close"]);
    } finally {
      await refusing.close();
    }
  });
});
