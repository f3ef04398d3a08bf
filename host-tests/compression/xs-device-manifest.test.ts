/**
 * permessage-deflate turned on the way a device app turns it on: by including
 * manifest_deflate.json. The device's own configuration
 * (modules/device/configured.ts: settings from mc/config, the inflater found
 * by name through `modules`) runs unchanged on the XS engine; the build the
 * simulator models is the manifests' merged config and the SDK modules they
 * include. The SDK's native inflater is a stand-in over node:zlib
 * (simulator/shims/inflate.ts); miniz itself ran in Moddable's simulator
 * (docs/compression.md).
 */
import type { IncomingMessage } from "node:http";
import { startWsServer, type Started } from "../support/servers";
import type { BuildOptions } from "../../simulator/build-bridge";
import { WssSimulator, type WssEvent } from "../xs/wss-simulator";
import type { WebSocketServer } from "ws";

const TEXT = "device telemetry, compressible, ".repeat(300);
const BINARY = new Uint8Array(20_000).map((_, i) => (i * 7) & 0x3f);

let server: Started<WebSocketServer>;
const offers: (string | undefined)[] = [];
/** Bytes the server read from each connection's socket. */
const bytesFromDevice: (() => number)[] = [];

beforeAll(async () => {
  server = await startWsServer({ perMessageDeflate: { threshold: 0 } }, (peer, req: IncomingMessage) => {
    offers.push(req.headers["sec-websocket-extensions"]);
    bytesFromDevice.push(() => req.socket.bytesRead);
    peer.on("message", (data, isBinary) => {
      if (!isBinary && String(data) === "bomb") peer.send(Buffer.alloc(1 << 20, 0x61), { binary: false, compress: true });
      else peer.send(data, { binary: isBinary, compress: true });
    });
  });
});
afterAll(() => server.close());
beforeEach(() => { offers.length = 0; bytesFromDevice.length = 0; });

async function withDevice(build: BuildOptions, run: (sim: WssSimulator) => Promise<void>): Promise<void> {
  const sim = await WssSimulator.start(build);
  try {
    await run(sim);
    expect(sim.uncaught()).toEqual([]);
  } finally {
    await sim.stop();
  }
}

describe("manifest_deflate.json on the XS engine, device entries unchanged", () => {
  test("offers the device's small-window permessage-deflate and inflates compressed echoes through the SDK's inflate", async () => {
    await withDevice({ manifests: ["manifest_namespaced.json", "manifest_deflate.json"] }, async (sim) => {
      const c = await sim.open(server.url);
      await c.next("open");
      expect(offers).toEqual(["permessage-deflate; server_max_window_bits=10"]);
      expect(await c.send(TEXT)).toBe(true);
      expect((await c.next("message")).data).toBe(TEXT);
      expect(await c.send(BINARY)).toBe(true);
      const echo = (await c.nextWhere((e) => e.type === "message" && e.binary)) as Extract<WssEvent, { type: "message" }>;
      expect(Buffer.from(echo.data as Uint8Array).equals(Buffer.from(BINARY))).toBe(true);
      // The device sends uncompressed (it has no deflater): all of both messages crossed the wire.
      expect(bytesFromDevice[0]()).toBeGreaterThan(TEXT.length + BINARY.length);
      expect(sim.bridge.compression.created).toBe(1);
      await c.close(1000, "done");
      expect((await c.next("close")).code).toBe(1000);
    });
  });

  test("a compressed message that inflates past maxMessageSize (64 KiB from the manifest) closes with 1009", async () => {
    await withDevice({ manifests: ["manifest_namespaced.json", "manifest_deflate.json"] }, async (sim) => {
      const c = await sim.open(server.url);
      await c.next("open");
      await c.send("bomb");
      const error = await c.next("error");
      expect(error.code).toBe("MESSAGE_TOO_BIG");
      expect(error.message).toMatch(/inflated message exceeds the limit of 65536 bytes/);
      expect((await c.next("close")).code).toBe(1009);
      expect(c.all("message")).toEqual([]);
    });
  });

  test("the app's own config tunes the offer; a connection's perMessageDeflate: false opts out", async () => {
    const build = { manifests: ["manifest_namespaced.json", "manifest_deflate.json"], config: { websocket: { perMessageDeflate: { serverMaxWindowBits: 12, serverNoContextTakeover: true } } } };
    await withDevice(build, async (sim) => {
      const tuned = await sim.open(server.url);
      await tuned.next("open");
      const plain = await sim.open(server.url, { perMessageDeflate: false });
      await plain.next("open");
      expect(offers).toEqual(["permessage-deflate; server_no_context_takeover; server_max_window_bits=12", undefined]);
      await tuned.send(TEXT);
      expect((await tuned.next("message")).data).toBe(TEXT);
    });
  });

  test("without manifest_deflate.json nothing is offered", async () => {
    await withDevice({ manifests: ["manifest_namespaced.json"] }, async (sim) => {
      const c = await sim.open(server.url);
      await c.next("open");
      await c.send(TEXT);
      expect((await c.next("message")).data).toBe(TEXT);
      expect(offers).toEqual([undefined]);
      expect(sim.bridge.compression.created).toBe(0);
    });
  });

  test("the key set without the SDK inflater in the build: the first compressed message closes 1011, naming the missing include", async () => {
    await withDevice({ manifests: ["manifest_namespaced.json"], config: { websocket: { perMessageDeflate: true } } }, async (sim) => {
      const c = await sim.open(server.url);
      await c.next("open");
      expect(offers).toEqual(["permessage-deflate; server_max_window_bits=10"]);
      await c.send("hello");
      const error = await c.next("error");
      expect(error.code).toBe("INVALID_STATE");
      expect(error.message).toMatch(/the build has no "inflate" module: include manifest_deflate\.json/);
      expect((await c.next("close")).code).toBe(1011);
    });
  });
});
