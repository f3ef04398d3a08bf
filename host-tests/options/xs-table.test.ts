/**
 * The option table (host-tests/options/table.ts) on the XS engine: the device
 * modules, bundled as a device entry and run by the real engine, refuse every
 * wrong value with the exact message and make no socket or listener; every
 * valid value is accepted, and each valid client reaches the real server
 * below through the simulator's ECMA-419 sockets, and nothing else does.
 */
import path from "node:path";
import { encodeBundle } from "../../certs/bundle-writer";
import { XsSimulator } from "../../simulator/simulator";
import { mismatch, type Outcome } from "./table";
import { startWitness, until, type Witness } from "./witness";

const ENTRY = path.join(__dirname, "fixtures/options-device.ts");
/** A certificate bundle from the host packer, as a device maps one from flash. */
const BUNDLE = encodeBundle([{ name: "example.test_ca", format: "pem", bytes: new TextEncoder().encode("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n") }]);

let witness: Witness;
let sim: XsSimulator;
beforeAll(async () => {
  witness = await startWitness();
  sim = await XsSimulator.start(ENTRY);
}, 60000);
afterAll(async () => {
  await sim?.stop();
  await witness?.close();
});

test("every option of every API on XS: wrong values refused by name, value and range, nothing connects; valid values accepted", async () => {
  const outcomes = (await sim.call("run", [witness.url], BUNDLE)).result as Outcome[];
  try {
    const wrong = outcomes.map((o) => [o.label, mismatch(o)]).filter(([, why]) => why !== null);
    expect(wrong).toEqual([]);
    const connecting = outcomes.filter((o) => "accepted" in o.expected && o.expected.connects).map((o) => o.path);
    expect(outcomes.filter((o) => !("accepted" in o.expected)).length).toBeGreaterThan(500);
    expect(connecting.length).toBeGreaterThan(50);
    await until(() => connecting.every((p) => witness.paths.includes(p)), "every valid device client at the server", 30000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(witness.paths.slice().sort()).toEqual(connecting.slice().sort());
    expect(witness.tcpConnections()).toBe(connecting.length);
    // The simulator's sockets: one per valid client, none for a refused case.
    expect(sim.bridge.stats.socketsOpened).toBe(connecting.length);
    expect(sim.bridge.uncaught).toEqual([]);
  } finally {
    await sim.call("closeAll");
  }
}, 90000);
