/**
 * Every option of every API on Node (host-tests/options/table.ts): each wrong
 * value throws INVALID_ARGUMENT with the exact message, makes no transport,
 * and reaches no server; each valid value is accepted and, for a client,
 * connects. The real server below witnesses both.
 */
import { encodeBundle } from "../../certs/bundle-writer";
import { fibjsUpgrade } from "../../node/fibjs-upgrade";
import { nodeRuntime } from "../../node/runtime";
import { createServer, upgrade } from "../../node/server";
import { countingRuntime, mismatch, runTable, type Env, type Opened, type Outcome } from "./table";
import { startWitness, until, type Witness } from "./witness";

let witness: Witness;
beforeAll(async () => { witness = await startWitness(); });
afterAll(() => witness.close());

const accept = (): void => undefined;

function nodeEnv(): Env {
  const counting = countingRuntime(nodeRuntime);
  return {
    runtime: counting.runtime,
    transportsMade: counting.made,
    url: (path) => witness.url + path,
    bundle: encodeBundle([{ name: "example.test_ca", format: "pem", bytes: new TextEncoder().encode("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n") }]),
    servers: [
      { api: "upgrade()", unknownName: "upgrade() options", extra: [], make: (o) => { upgrade(accept, o); return undefined; } },
      { api: "createServer()", unknownName: "createServer() options", extra: [], make: (o) => { createServer(accept, o); return undefined; } },
      { api: "fibjs.upgrade()", unknownName: "upgrade() options", extra: [], make: (o) => { fibjsUpgrade(accept, o); return undefined; } },
    ],
  };
}

test("every option of every API: wrong values refused with the option, value and range named, nothing connects; valid values accepted", async () => {
  const opened: Opened[] = [];
  let outcomes: Outcome[] = [];
  try {
    outcomes = runTable(nodeEnv(), opened);
    const wrong = outcomes.map((o) => [o.label, mismatch(o)]).filter(([, why]) => why !== null);
    expect(wrong).toEqual([]);

    const refused = outcomes.filter((o) => !("accepted" in o.expected));
    const connecting = outcomes.filter((o) => "accepted" in o.expected && o.expected.connects).map((o) => o.path);
    expect(refused.length).toBeGreaterThan(500);
    expect(connecting.length).toBeGreaterThan(50);
    // The server sees exactly the valid clients: every one of them, and not one refused case.
    await until(() => connecting.every((path) => witness.paths.includes(path)), "every valid client at the server");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(witness.paths.slice().sort()).toEqual(connecting.slice().sort());
    expect(witness.tcpConnections()).toBe(connecting.length);
  } finally {
    for (const o of opened) o.close();
  }
}, 60000);
