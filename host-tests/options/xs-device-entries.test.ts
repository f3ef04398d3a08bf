/**
 * The device entries on the XS engine, built as an app builds them:
 * `config.websocket` is checked when the app starts (a bad value stops it
 * with INVALID_ARGUMENT naming the key, the value and the range), and the
 * options an app gives an entry are checked with the manifest's defaults
 * merged under them: a typo or a bad value connects nothing, a valid one
 * connects, and `perMessageDeflate: true` means the manifest's offer.
 */
import path from "node:path";
import type { BuildOptions } from "../../simulator/build-bridge";
import { DeviceCallError, XsSimulator } from "../../simulator/simulator";
import { startWitness, until, type Witness } from "./witness";

const ENTRY = path.join(__dirname, "fixtures/device-entries.ts");
const KNOWN = "maxMessageSize, maxFragments, highWaterMark, closeTimeout, connectTimeout, certificates, perMessageDeflate, debug, tlsResumption";

let witness: Witness;
beforeAll(async () => { witness = await startWitness(); });
afterAll(() => witness.close());

describe("config.websocket is checked when the app starts", () => {
  test.each<[Record<string, unknown>, string]>([
    [{ maxMessageSize: -1 }, "manifest config.websocket.maxMessageSize must be an integer from 1 to 2147483647, got -1"],
    [{ maxMessageSize: "big" }, 'manifest config.websocket.maxMessageSize must be an integer from 1 to 2147483647, got "big"'],
    [{ connectTimeout: "abc" }, 'manifest config.websocket.connectTimeout must be an integer number of ms from 1 to 2147483647, got "abc"'],
    [{ closeTimeout: 1.5 }, "manifest config.websocket.closeTimeout must be an integer number of ms from 1 to 2147483647, got 1.5"],
    [{ highWaterMark: 0 }, "manifest config.websocket.highWaterMark must be an integer from 1 to 2147483647, got 0"],
    [{ maxMesageSize: 1024 }, `manifest config.websocket has no option "maxMesageSize" (known: ${KNOWN})`],
    [{ perMessageDeflate: { level: 12 } }, "manifest config.websocket.perMessageDeflate.level must be an integer from 0 to 9, got 12"],
    [{ tlsResumption: "no" }, 'manifest config.websocket.tlsResumption must be true or false, got "no"'],
  ])("%j stops the app at start", async (websocket, message) => {
    await expect(XsSimulator.start(ENTRY, { build: { config: { websocket } } })).rejects.toThrow(message);
  }, 60000);

  test("mcconfig's command-line strings are numbers, and in force", async () => {
    await withEntries({ config: { websocket: { maxMessageSize: "16384", connectTimeout: "2000" } } }, async (sim, events) => {
      await sim.call("open", ["connect", `${witness.url}/send-16385`, {}]);
      await until(() => events.some((e) => e.type === "error"), "the device's error");
      expect(events.find((e) => e.type === "error")?.message).toMatch(/exceeds the limit of 16384/);
    });
  }, 60000);
});

interface DeviceEvent { type: string; id: number; message?: string }

async function withEntries(build: BuildOptions, run: (sim: XsSimulator, events: DeviceEvent[]) => Promise<void>): Promise<void> {
  const events: DeviceEvent[] = [];
  const sim = await XsSimulator.start(ENTRY, { build, onHarnessEvent: (header) => events.push(header as unknown as DeviceEvent) });
  try {
    await run(sim, events);
    expect(sim.bridge.uncaught).toEqual([]);
  } finally {
    await sim.call("closeAll").catch(() => undefined);
    await sim.stop();
  }
}

const ENTRIES: [string, string][] = [
  ["browser", "WebSocket options (the third argument)"],
  ["connect", "connect() options"],
  ["luatos", "websocket.new() options"],
  ["fibjs", "ws.Socket options"],
];

test("each entry refuses a misspelt option and a bad value over the manifest's defaults, connecting nothing; a valid option connects", async () => {
  await withEntries({}, async (sim) => {
    for (const [entry, name] of ENTRIES) {
      const refuse = async (options: Record<string, unknown>, message: string): Promise<void> => {
        const error = await sim.call("open", [entry, `${witness.url}/refused-${entry}`, options]).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(DeviceCallError);
        expect((error as DeviceCallError).code).toBe("INVALID_ARGUMENT");
        expect((error as DeviceCallError).message).toContain(message);
      };
      await refuse({ maxFragmnets: 8 }, `${name} has no option "maxFragmnets" (known: `);
      await refuse({ connectTimeout: -1 }, "connectTimeout must be an integer number of ms from 1 to 2147483647, got -1");
      await refuse({ closeTimeout: "abc" }, 'closeTimeout must be an integer number of ms from 1 to 2147483647, got "abc"');
      await sim.call("open", [entry, `${witness.url}/valid-${entry}`, { maxFragments: 8 }]);
    }
    const valid = ENTRIES.map(([entry]) => `/valid-${entry}`);
    await until(() => valid.every((p) => witness.paths.includes(p)), "the valid device clients");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(witness.paths.filter((p) => p.startsWith("/refused-"))).toEqual([]);
    expect(sim.bridge.stats.socketsOpened).toBe(valid.length);
  });
}, 60000);

test("perMessageDeflate: true is the manifest's offer with manifest_deflate.json, and a clear refusal without the inflater in the build", async () => {
  await withEntries({ manifests: ["manifest_namespaced.json", "manifest_deflate.json"] }, async (sim) => {
    for (const [entry] of ENTRIES) await sim.call("open", [entry, `${witness.url}/deflate-${entry}`, { perMessageDeflate: true }]);
    const paths = ENTRIES.map(([entry]) => `/deflate-${entry}`);
    await until(() => paths.every((p) => witness.offers.has(p)), "the device offers");
    for (const p of paths) expect(witness.offers.get(p)).toBe("permessage-deflate; server_max_window_bits=10");
  });
  await withEntries({}, async (sim) => {
    const error = await sim.call("open", ["browser", `${witness.url}/no-inflater`, { perMessageDeflate: true }]).then(() => null, (e: unknown) => e);
    expect((error as DeviceCallError).code).toBe("INVALID_ARGUMENT");
    expect((error as DeviceCallError).message).toMatch(/perMessageDeflate needs a platform with a compression provider/);
    expect(sim.bridge.stats.socketsOpened).toBe(0);
  });
}, 60000);
