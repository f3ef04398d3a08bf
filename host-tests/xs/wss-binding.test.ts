/**
 * The simulator's `wsx-tls` against the XS binding's contract
 * (native/xs/wsx_tls_xs.c, native/xs/wsx-tls.d.ts), called directly from XS:
 * it steps to OPEN over the real C core; close() frees the connection, after
 * which calls see CLOSED with no error, read() null and write() -1; a failed
 * handshake keeps its error until then; options of the wrong type throw.
 */
import { makeTestPki, type TestPki } from "../mbedtls/pki";
import { NativeFailure, NativeState, STATE_MASK } from "../../modules/transport/mbedtls-native";
import { startWssPeer, type WssPeer } from "./wss-peer";
import { WssSimulator } from "./wss-simulator";

let pki: TestPki;
let server: WssPeer;
let sim: WssSimulator;

beforeAll(async () => {
  pki = makeTestPki();
  server = await startWssPeer({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
  sim = await WssSimulator.start();
});

afterAll(async () => {
  await sim?.stop();
  await server?.close();
  pki?.remove();
});

afterEach(() => expect(sim.uncaught()).toEqual([]));

const call = async (name: string, args: unknown[], bytes?: Uint8Array) => (await sim.simulator.call(name, args, bytes)).result;

/** step() from XS until the connection leaves CONNECTING / HANDSHAKING. */
async function settle(id: number): Promise<number> {
  for (;;) {
    const state = (await call("rawStep", [id])) as number;
    if ((state & STATE_MASK) > NativeState.HANDSHAKING) return state & STATE_MASK;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("steps to OPEN; after close() it reports CLOSED with no error, read() null and write() -1", async () => {
  const id = (await call("rawOpen", [server.port, true], pki.bytes("ca.pem"))) as number;
  expect(await settle(id)).toBe(NativeState.OPEN);
  expect(await call("rawProbe", [id])).toMatchObject({ state: NativeState.OPEN, failure: NativeFailure.NONE, error: "" });
  await call("rawClose", [id]);
  expect(await call("rawProbe", [id])).toEqual({ state: NativeState.CLOSED, failure: NativeFailure.NONE, error: "", read: null, write: -1 });
});

test("a failed handshake keeps its typed failure and message until close()", async () => {
  const id = (await call("rawOpen", [server.port, true], pki.bytes("other-ca.pem"))) as number;
  expect(await settle(id)).toBe(NativeState.FAILED);
  const failed = (await call("rawProbe", [id])) as { failure: number; error: string; read: unknown; write: number };
  expect(failed.failure).toBe(NativeFailure.TLS);
  expect(failed.error).toMatch(/not signed by a trusted CA/);
  expect(failed.read).toBeNull();
  expect(failed.write).toBe(-1);
  await call("rawClose", [id]);
  expect(await call("rawProbe", [id])).toMatchObject({ state: NativeState.CLOSED, failure: NativeFailure.NONE, error: "" });
});

test("options of the wrong type throw a TypeError naming the option", async () => {
  expect(await call("rawBadOptions", [])).toEqual([
    expect.stringMatching(/^TypeError: .*options\.host/),
    expect.stringMatching(/^TypeError: .*options\.ca/),
  ]);
});
