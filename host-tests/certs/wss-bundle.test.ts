/**
 * The packed bundle driving real wss connections: per-host CA and client
 * certificate, wildcard and refusal of unknown hosts, damage detection, and
 * seed 001's cert table. Every connection dials 127.0.0.1; the URL's host name
 * is what TLS sends (SNI) and checks, and what the bundle is searched for.
 * Run over both TLS stacks: Node's tls, and the device's mbedTLS transport
 * (its C core through the N-API binding), which gets the bundle's payloads
 * exactly as a device would: views into the bundle, PEM or DER.
 */
import { createSecureContext, type SecureContext } from "node:tls";
import { packFiles, type InputFile } from "../../certs/pack";
import { CertificateBundle } from "../../modules/certs/bundle";
import { BundleTlsProvider } from "../../modules/certs/provider";
import { tlsFromSeed001 } from "../../modules/certs/seed001";
import type { Runtime } from "../../modules/endpoint/runtime";
import { WebSocketError } from "../../modules/core/errors";
import { nodeTlsTransports } from "../../node/mbedtls";
import { nodePlatform } from "../../node/platform";
import { NodeTransport } from "../../node/transport";
import { attempt, loopback } from "./connect";
import { CLIENT_KEY_PASSWORD, makePki, type Pki } from "./pki";
import { startWss, type WssServer } from "./wss-server";

let pki: Pki;
let server: WssServer;
let bundleBytes: Uint8Array;

/** Files as the packer would read them from a directory, from this run's PKI. */
function files(map: Record<string, string>): InputFile[] {
  return Object.entries(map).map(([fileName, from]) => ({ path: fileName, fileName, bytes: new Uint8Array(Buffer.from(pki.pem(from), "latin1")) }));
}

function pack(map: Record<string, string>): Uint8Array {
  return packFiles(files(map), { passphrases: { "alpha.test": CLIENT_KEY_PASSWORD } }).bundle;
}

beforeAll(async () => {
  pki = makePki();
  const context = (name: string): SecureContext => createSecureContext({ key: pki.pem(`${name}.key`), cert: pki.pem(`${name}.pem`) });
  const byName: Record<string, SecureContext> = { "alpha.test": context("alpha"), "beta.test": context("beta") };
  const wild = context("wild");
  server = await startWss({
    // Without a known SNI name the server presents alpha.test's certificate.
    key: pki.pem("alpha.key"), cert: pki.pem("alpha.pem"),
    SNICallback: (name, done) => done(null, byName[name] ?? (name.endsWith(".wild.test") ? wild : undefined)),
    // Client certificates are asked for, not required: the test reads what arrived.
    requestCert: true, rejectUnauthorized: false, ca: pki.pem("ca.pem"),
  });
  bundleBytes = pack({
    "alpha.test_ca.pem": "ca.pem",
    "alpha.test_cert.pem": "client.pem",
    "alpha.test_key.pem": "client-encrypted.key",
    "beta.test_ca.pem": "other-ca.pem",
    "_wildcard_.wild.test_ca.pem": "other-ca.pem",
  });
});

afterAll(async () => {
  await server?.close();
  pki?.remove();
});

const url = (host: string) => `wss://${host}:${server.port}/`;
const provider = (bytes: Uint8Array) => new BundleTlsProvider(bytes, { passphrase: (d) => (d === "alpha.test" ? CLIENT_KEY_PASSWORD : undefined) });

const stacks: [string, () => Runtime][] = [
  ["Node tls", () => loopback(() => new NodeTransport())],
  ["mbedTLS", () => loopback(nodeTlsTransports(nodePlatform))],
];

describe.each(stacks)("over %s", (_stack, makeRuntime) => {
  let loopbackRuntime: Runtime;
  beforeAll(() => { loopbackRuntime = makeRuntime(); });

  describe("the bundle picks each host's entries", () => {
    test("alpha.test: its CA verifies the server, and its client certificate is sent", async () => {
      const before = server.seen.length;
      const r = await attempt(url("alpha.test"), { certificates: provider(bundleBytes) }, loopbackRuntime);
      expect(r.error).toBeUndefined();
      expect(r.echoed).toBe("over tls");
      expect(server.seen.slice(before)).toEqual([{ servername: "alpha.test", clientCn: "test client" }]);
    });

    test("beta.test: another CA, and no client certificate", async () => {
      const before = server.seen.length;
      const r = await attempt(url("beta.test"), { certificates: provider(bundleBytes) }, loopbackRuntime);
      expect(r.error).toBeUndefined();
      expect(r.echoed).toBe("over tls");
      expect(server.seen.slice(before)).toEqual([{ servername: "beta.test", clientCn: undefined }]);
    });

    test("api.wild.test: found through the wildcard entry", async () => {
      const r = await attempt(url("api.wild.test"), { certificates: provider(bundleBytes) }, loopbackRuntime);
      expect(r.error).toBeUndefined();
      expect(r.echoed).toBe("over tls");
    });

    test("with the two CAs swapped, both hosts fail verification", async () => {
      const swapped = pack({ "alpha.test_ca.pem": "other-ca.pem", "beta.test_ca.pem": "ca.pem" });
      for (const host of ["alpha.test", "beta.test"]) {
        const r = await attempt(url(host), { certificates: provider(swapped) }, loopbackRuntime);
        expect(r.opened).toBe(false);
        expect(r.error?.code).toBe("TLS_ERROR");
        expect(r.error?.message).toMatch(/unknown CA/);
      }
    });

    test("a host the bundle does not know is refused without connecting", async () => {
      const before = server.seen.length;
      const r = await attempt(url("gamma.test"), { certificates: provider(bundleBytes) }, loopbackRuntime);
      expect(r.opened).toBe(false);
      expect(r.error?.code).toBe("CERT_BUNDLE");
      expect(r.error?.message).toMatch(/no entry for host "gamma.test"/);
      expect(server.seen.length).toBe(before);
    });

    test("a default entry serves hosts without their own", async () => {
      const withDefault = pack({ "default_ca.pem": "ca.pem" });
      const r = await attempt(url("gamma.test"), { tls: undefined, certificates: provider(withDefault) }, loopbackRuntime);
      // The server presents alpha.test's certificate (from the default CA) to an unknown name:
      // the CA is right, the name is not.
      expect(r.error?.code).toBe("TLS_ERROR");
      expect(r.error?.message).toMatch(/host name mismatch/);
      const insisting = new BundleTlsProvider(withDefault, { insist: true });
      const r2 = await attempt(url("gamma.test"), { certificates: insisting }, loopbackRuntime);
      expect(r2.error).toBeUndefined();
      expect(r2.echoed).toBe("over tls");
    });
  });

  describe("a damaged bundle is refused", () => {
    test("a truncated bundle: no provider at all", () => {
      let caught: unknown;
      try {
        provider(bundleBytes.subarray(0, bundleBytes.length - 1));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(WebSocketError);
      expect((caught as WebSocketError).code).toBe("CERT_BUNDLE");
      expect((caught as WebSocketError).message).toMatch(/truncated/);
    });

    test("a damaged entry: the whole bundle is refused where it is opened, naming the entry", () => {
      const damaged = bundleBytes.slice();
      const bundle = CertificateBundle.open(damaged);
      const ca = bundle.info(bundle.indexOf("alpha.test_ca"));
      damaged[ca.offset + 100] ^= 0x01;
      expect(() => provider(damaged)).toThrow(/entry "alpha.test_ca" is corrupt/);
    });

    test("an entry damaged after opening: its host is refused without connecting, other hosts still work", async () => {
      const damaged = bundleBytes.slice();
      const certificates = provider(damaged);
      const ca = certificates.bundle.info(certificates.bundle.indexOf("alpha.test_ca"));
      damaged[ca.offset + 100] ^= 0x01;
      const before = server.seen.length;
      const r = await attempt(url("alpha.test"), { certificates }, loopbackRuntime);
      expect(r.opened).toBe(false);
      expect(r.error?.code).toBe("CERT_BUNDLE");
      expect(r.error?.message).toMatch(/entry "alpha.test_ca" is corrupt/);
      expect(server.seen.length).toBe(before);
      const ok = await attempt(url("beta.test"), { certificates }, loopbackRuntime);
      expect(ok.echoed).toBe("over tls");
    });
  });

  describe("seed 001 cert table", () => {
    test("entries named from the bundle, with the client password: mutual TLS", async () => {
      const bundle = CertificateBundle.open(bundleBytes);
      const tls = tlsFromSeed001({
        caCert: "alpha.test_ca", clientCert: "alpha.test_cert", clientKey: "alpha.test_key", clientPassword: CLIENT_KEY_PASSWORD,
      }, bundle);
      const before = server.seen.length;
      const r = await attempt(url("alpha.test"), { tls }, loopbackRuntime);
      expect(r.error).toBeUndefined();
      expect(server.seen.slice(before)).toEqual([{ servername: "alpha.test", clientCn: "test client" }]);
    });

    test("insist is off unless the table asks for it", async () => {
      const caCert = pki.pem("ca.pem");
      const strict = await attempt(url("unlisted.test"), { tls: tlsFromSeed001({ caCert }) }, loopbackRuntime);
      expect(strict.error?.message).toMatch(/host name mismatch/);
      const insisting = await attempt(url("unlisted.test"), { tls: tlsFromSeed001({ caCert, insist: 1 }) }, loopbackRuntime);
      expect(insisting.error).toBeUndefined();
      expect(insisting.echoed).toBe("over tls");
    });

    test("no caCert: refused unless verify = false (the seed would not verify at all)", async () => {
      const refused = await attempt(url("alpha.test"), { tls: tlsFromSeed001({}) }, loopbackRuntime);
      expect(refused.error?.code).toBe("TLS_ERROR");
      expect(refused.error?.message).toMatch(/no CA certificate to verify/);
      const unverified = await attempt(url("alpha.test"), { tls: tlsFromSeed001({ verify: false }) }, loopbackRuntime);
      expect(unverified.echoed).toBe("over tls");
    });
  });
});
