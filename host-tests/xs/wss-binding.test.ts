/**
 * The simulator's `wsx-tls` against the XS binding's contract
 * (native/xs/wsx_tls_xs.c, native/xs/wsx-tls.d.ts), called directly from XS,
 * with this test carrying the ciphertext between the session and a real TLS
 * server over a Node socket (the core owns no socket): the session reaches
 * OPEN; close() frees it, after which calls see CLOSED with no error, read()
 * and output() null and write() -1; a failed handshake keeps its error until
 * then; a host's unusable settings show as its error; options of the wrong
 * type throw.
 */
import * as net from "node:net";
import { makeTestPki, type TestPki } from "../mbedtls/pki";
import { NativeFailure, NativeState } from "../../modules/transport/mbedtls-native";
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

interface Probe { state: number; failure: number; error: string; read: unknown; write: number; output: unknown }

/** Carries ciphertext between the XS session and the server until the handshake settles; returns the state. */
async function handshake(id: number): Promise<number> {
  const socket = net.connect(server.port, "127.0.0.1");
  const arrived: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => arrived.push(chunk));
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  try {
    for (let i = 0; i < 2000; i++) {
      const out = (await call("rawOutput", [id])) as number[] | null;
      if (out) socket.write(Buffer.from(out));
      for (const chunk of arrived.splice(0)) await call("rawInput", [id], new Uint8Array(chunk));
      const state = ((await call("rawProbeState", [id])) as number);
      if (state !== NativeState.HANDSHAKING) return state;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error("the handshake did not settle");
  } finally {
    socket.destroy();
  }
}

test("a session reaches OPEN; after close() it reports CLOSED with no error, read() and output() null, write() -1", async () => {
  const host = (await call("rawHost", [true], pki.bytes("ca.pem"))) as { id: number; error: string };
  expect(host.error).toBe("");
  const id = (await call("rawConnect", [host.id])) as number;
  expect(await handshake(id)).toBe(NativeState.OPEN);
  await call("rawClose", [id]);
  expect(await call("rawProbe", [id])).toEqual({ state: NativeState.CLOSED, failure: NativeFailure.NONE, error: "", read: null, write: -1, output: null });
});

test("a failed handshake keeps its typed failure and message until close()", async () => {
  const host = (await call("rawHost", [true], pki.bytes("other-ca.pem"))) as { id: number };
  const id = (await call("rawConnect", [host.id])) as number;
  expect(await handshake(id)).toBe(NativeState.FAILED);
  const failed = (await call("rawProbe", [id])) as Probe;
  expect(failed.failure).toBe(NativeFailure.TLS);
  expect(failed.error).toMatch(/not signed by a trusted CA/);
  expect(failed.read).toBeNull();
  expect(failed.write).toBe(-1);
  await call("rawClose", [id]);
  expect(await call("rawProbe", [id])).toMatchObject({ state: NativeState.CLOSED, failure: NativeFailure.NONE, error: "" });
});

test("a host without a CA to verify against has an error and no sessions", async () => {
  const host = (await call("rawHost", [true])) as { error: string; failure: number };
  expect(host.failure).toBe(NativeFailure.CONFIG);
  expect(host.error).toBe("no CA certificate to verify localhost against (give tls.ca, or verify: false)");
});

test("options of the wrong type throw a TypeError naming the option; connect() on a failed host throws", async () => {
  expect(await call("rawBadOptions", [])).toEqual([
    expect.stringMatching(/^TypeError: .*options\.label/),
    expect.stringMatching(/^TypeError: .*options\.ca/),
    expect.stringMatching(/^Error: .*closed or failed/),
  ]);
});
