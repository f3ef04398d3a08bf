/**
 * The wss peer of the XS benchmark, from the XS tests' own helpers: a fresh
 * test PKI (openssl), a `ws` echo server over Node's `https` on 127.0.0.1, and
 * a packed certificate bundle trusting its root for "localhost".
 */
import { packFiles } from "../../certs/pack";
import { makeTestPki } from "../mbedtls/pki";
import { startWssPeer } from "./wss-peer";

export async function startBenchWssPeer(): Promise<{ port: number; bundle: Uint8Array; close(): Promise<void> }> {
  const pki = makeTestPki();
  const peer = await startWssPeer({ key: pki.text("server.key"), cert: pki.text("server-chain.pem") });
  const bundle = packFiles([{ path: "localhost_ca.pem", fileName: "localhost_ca.pem", bytes: pki.bytes("ca.pem") }]).bundle;
  return {
    port: peer.port,
    bundle,
    close: async () => {
      await peer.close();
      pki.remove();
    },
  };
}
