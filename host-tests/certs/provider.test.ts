/** The bundle as a TlsProvider, and seed 001's cert table, down to the TlsConfig they produce. */
import { encodeBundle, type WriterEntry } from "../../certs/bundle-writer";
import { CertificateBundle } from "../../modules/certs/bundle";
import { BundleTlsProvider } from "../../modules/certs/provider";
import { tlsFromSeed001, type Seed001CertTable } from "../../modules/certs/seed001";
import { WebSocketError } from "../../modules/core/errors";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: unknown) => new TextDecoder().decode(b as Uint8Array);
const block = (label: string, tag: string) => `-----BEGIN ${label}-----\n${Buffer.from(tag).toString("base64")}\n-----END ${label}-----\n`;
const entry = (name: string, label: string, tag: string): WriterEntry => ({ name, format: "pem", bytes: enc(block(label, tag)) });

const bytes = encodeBundle([
  entry("alpha.test_ca", "CERTIFICATE", "alpha ca"),
  entry("alpha.test_cert", "CERTIFICATE", "alpha client"),
  entry("alpha.test_key", "ENCRYPTED PRIVATE KEY", "alpha key"),
  entry("alpha.test_chain", "CERTIFICATE", "alpha chain"),
  entry("*.wild.test_ca", "CERTIFICATE", "wild ca"),
  entry("lonely.test_key", "PRIVATE KEY", "lonely key"),
]);

function caught(fn: () => unknown): WebSocketError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WebSocketError) return e;
    throw e;
  }
  throw new Error("expected a WebSocketError");
}

describe("BundleTlsProvider", () => {
  test("gives a host its domain's CA, chain, certificate and key, as views into the bundle", () => {
    const provider = new BundleTlsProvider(bytes, { passphrase: (domain) => (domain === "alpha.test" ? "pw" : undefined) });
    const tls = provider.tlsFor("Alpha.Test");
    expect(tls.ca?.map(dec)).toEqual([block("CERTIFICATE", "alpha ca")]);
    expect(tls.chain?.map(dec)).toEqual([block("CERTIFICATE", "alpha chain")]);
    expect(dec(tls.cert)).toBe(block("CERTIFICATE", "alpha client"));
    expect(dec(tls.key)).toBe(block("ENCRYPTED PRIVATE KEY", "alpha key"));
    expect((tls.key as Uint8Array).buffer).toBe(bytes.buffer);
    expect(tls.passphrase).toBe("pw");
    expect(tls.insist).toBeUndefined();
    expect(tls.verify).toBeUndefined();
  });

  test("a wildcard entry serves one label below it", () => {
    const provider = new BundleTlsProvider(CertificateBundle.open(bytes));
    expect(provider.tlsFor("api.wild.test").ca?.map(dec)).toEqual([block("CERTIFICATE", "wild ca")]);
    expect(caught(() => provider.tlsFor("a.b.wild.test")).code).toBe("CERT_BUNDLE");
  });

  test("a host the bundle does not know is refused, naming what was tried", () => {
    const e = caught(() => new BundleTlsProvider(bytes).tlsFor("www.example.com"));
    expect(e.code).toBe("CERT_BUNDLE");
    expect(e.message).toContain('no entry for host "www.example.com" (tried www.example.com, *.example.com, default)');
  });

  test("...unless verification is explicitly off", () => {
    expect(new BundleTlsProvider(bytes, { verify: false }).tlsFor("www.example.com")).toEqual({ verify: false });
  });

  test("insist and verify options pass through; a plain string passphrase applies to all", () => {
    const tls = new BundleTlsProvider(bytes, { insist: true, passphrase: "x" }).tlsFor("alpha.test");
    expect(tls.insist).toBe(true);
    expect(tls.passphrase).toBe("x");
  });

  test("an encrypted key without a passphrase is refused before any connection", () => {
    const e = caught(() => new BundleTlsProvider(bytes).tlsFor("alpha.test"));
    expect(e.code).toBe("CERT_BUNDLE");
    expect(e.message).toBe('certificate bundle: "alpha.test_key" is encrypted and no passphrase was given for "alpha.test"');
  });

  test("a key without its certificate is refused", () => {
    const e = caught(() => new BundleTlsProvider(bytes).tlsFor("lonely.test"));
    expect(e.code).toBe("CERT_BUNDLE");
    expect(e.message).toContain('"lonely.test_key" without "lonely.test_cert"');
  });

  test("a corrupt bundle is refused when the provider is made", () => {
    const broken = bytes.slice(0, bytes.length - 1);
    expect(caught(() => new BundleTlsProvider(broken)).code).toBe("CERT_BUNDLE");
  });
});

describe("seed 001 cert table", () => {
  const bundle = CertificateBundle.open(bytes);
  const CA = block("CERTIFICATE", "ca text");

  test("PEM text is data; other strings name bundle entries", () => {
    const tls = tlsFromSeed001({ caCert: CA, clientCert: "alpha.test_cert", clientKey: "alpha.test_key", clientPassword: 123456 }, bundle);
    expect(tls.ca).toEqual([CA]);
    expect(dec(tls.cert)).toBe(block("CERTIFICATE", "alpha client"));
    expect(dec(tls.key)).toBe(block("ENCRYPTED PRIVATE KEY", "alpha key"));
    expect(tls.passphrase).toBe("123456");
  });

  test("a resolver function can supply named data (e.g. from resources)", () => {
    const seen: string[] = [];
    const tls = tlsFromSeed001({ caCert: "ca.crt" }, (name, field) => {
      seen.push(`${field}:${name}`);
      return enc(CA);
    });
    expect(seen).toEqual(["caCert:ca.crt"]);
    expect(dec(tls.ca?.[0])).toBe(CA);
  });

  test("bytes and ArrayBuffers are data", () => {
    const der = new Uint8Array([0x30, 0x00]);
    expect(tlsFromSeed001({ caCert: der }).ca).toEqual([der]);
    expect(tlsFromSeed001({ caCert: der.buffer }).ca).toEqual([der]);
  });

  test.each<[Seed001CertTable, boolean | undefined]>([
    [{ caCert: CA }, undefined],          // the seed defaults insist to 1; we do not
    [{ caCert: CA, insist: 0 }, undefined],
    [{ caCert: CA, insist: false }, undefined],
    [{ caCert: CA, insist: 1 }, true],
    [{ caCert: CA, insist: true }, true],
  ])("insist %j -> %s", (table, insist) => {
    expect(tlsFromSeed001(table).insist).toBe(insist);
  });

  test("no caCert does not turn verification off (the seed would); verify = false does", () => {
    expect(tlsFromSeed001({}).verify).toBeUndefined();
    expect(tlsFromSeed001({}).ca).toBeUndefined();
    expect(tlsFromSeed001({ verify: false }).verify).toBe(false);
  });

  test.each<[unknown, string, RegExp]>([
    [{ cacert: CA }, "INVALID_ARGUMENT", /unknown field "cacert"/],
    [{ clientCert: CA }, "INVALID_ARGUMENT", /clientCert is given without clientKey/],
    [{ clientKey: "k", clientCert: CA }, "CERT_BUNDLE", /clientKey names "k", which was not found/],
    [{ caCert: 5 }, "INVALID_ARGUMENT", /caCert must be a string/],
    [{ caCert: "" }, "INVALID_ARGUMENT", /caCert is an empty string/],
    [{ insist: 2 }, "INVALID_ARGUMENT", /insist must be 0, 1, true or false/],
    [{ clientPassword: {} }, "INVALID_ARGUMENT", /clientPassword must be a string or a number/],
    [{ verify: "no" }, "INVALID_ARGUMENT", /verify must be a boolean/],
    [null, "INVALID_ARGUMENT", /must be an object/],
  ])("refuses %j", (table, code, pattern) => {
    const e = caught(() => tlsFromSeed001(table as Seed001CertTable, bundle));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(pattern);
  });

  test("a name with nowhere to look it up is refused", () => {
    const e = caught(() => tlsFromSeed001({ caCert: "ca.crt" }));
    expect(e.code).toBe("CERT_BUNDLE");
    expect(e.message).toBe('caCert names "ca.crt", but no certificate bundle or resolver was given to find it');
  });

  test("a name the bundle lacks is refused", () => {
    const e = caught(() => tlsFromSeed001({ caCert: "ca.crt" }, bundle));
    expect(e.code).toBe("CERT_BUNDLE");
    expect(e.message).toBe('caCert names "ca.crt", which was not found');
  });
});
