/**
 * The host packer and its command line, on certificates made by openssl:
 * what it accepts, and each refusal naming the file and the problem.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../certs/cli";
import { PackError, packDirectory } from "../../certs/pack";
import { CertificateBundle } from "../../modules/certs/bundle";
import { isEncryptedKey } from "../../modules/certs/payload-check";
import { CLIENT_KEY_PASSWORD, makePki, type Pki } from "./pki";

let pki: Pki;
let work: string;
let counter = 0;

beforeAll(() => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), "wscerts-pack-"));
});

afterAll(() => {
  pki?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A fresh directory holding pki files under the given names. */
function dirWith(files: Record<string, string>): string {
  const dir = join(work, `d${counter++}`);
  mkdirSync(dir);
  for (const [name, from] of Object.entries(files)) copyFileSync(pki.path(from), join(dir, name));
  return dir;
}

function cli(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function refusal(dir: string, passphrases?: Record<string, string>): string[] {
  try {
    packDirectory(dir, { passphrases });
  } catch (e) {
    if (e instanceof PackError) return e.problems;
    throw e;
  }
  throw new Error("expected the packer to refuse");
}

describe("pack", () => {
  test("packs seed-000 names, extensions, a wildcard, a default, and DER", () => {
    const dir = dirWith({
      "localhost_ca.pem": "ca.pem",
      "localhost_cert.crt": "client.pem",
      "localhost_key.key": "client.key",
      "_wildcard_.wild.test_ca.pem": "other-ca.pem",
      "127.0.0.1_ca.der": "ca.der",
      "default_ca": "ca.pem",
      "Alpha.Test_CA.PEM": "ca.pem",
    });
    const out = join(work, "ok.bin");
    const r = cli("certs", "pack", dir, "-o", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote .*ok\.bin: 7 entries, \d+ bytes/);
    const bundle = CertificateBundle.open(new Uint8Array(readFileSync(out)));
    expect(bundle.entries().map((e) => `${e.name}:${e.format}`)).toEqual([
      "*.wild.test_ca:pem", "127.0.0.1_ca:der", "alpha.test_ca:pem", "default_ca:pem",
      "localhost_ca:pem", "localhost_cert:pem", "localhost_key:pem",
    ]);
    expect(bundle.domainFor("x.wild.test")).toBe("*.wild.test");
    expect(new TextDecoder().decode(bundle.payload("localhost_key")!.bytes)).toBe(pki.pem("client.key"));
    // The same CA under three names is stored once.
    expect(bundle.info(bundle.indexOf("default_ca")).offset).toBe(bundle.info(bundle.indexOf("localhost_ca")).offset);

    const list = cli("certs", "list", out);
    expect(list.code).toBe(0);
    expect(list.out).toContain("7 entries");
    expect(list.out).toMatch(/localhost_cert\s+PEM\s+\d+ bytes at \d+\s+CN=test client \(until /);
    const verify = cli("certs", "verify", out);
    expect(verify.code).toBe(0);
    expect(verify.out).toContain("OK, 7 entries");
  });

  test("an encrypted key needs its password to be checked, and the right one", () => {
    const dir = dirWith({ "h.test_cert.pem": "client.pem", "h.test_key.pem": "client-encrypted.key" });
    expect(refusal(dir)).toEqual([expect.stringMatching(/h\.test_key\.pem: the key is encrypted: give --passphrase h\.test=<password>/)]);
    expect(refusal(dir, { "h.test": "nope" })).toEqual([expect.stringMatching(/h\.test_key\.pem: the key cannot be decrypted with the given passphrase/)]);
    const out = join(work, "enc.bin");
    const r = cli("certs", "pack", dir, "-o", out, "--passphrase", `h.test=${CLIENT_KEY_PASSWORD}`);
    expect(r.code).toBe(0);
    // Stored as given: still encrypted, and the password is nowhere in the bundle.
    const bytes = readFileSync(out);
    expect(bytes.includes(Buffer.from("Proc-Type: 4,ENCRYPTED"))).toBe(true);
    expect(bytes.includes(Buffer.from(CLIENT_KEY_PASSWORD))).toBe(false);
  });

  test("verify cannot check an encrypted key without its password: a warning, not a failure", () => {
    const dir = dirWith({ "_wildcard_.w.test_cert.pem": "client.pem", "_wildcard_.w.test_key.pem": "client-encrypted.key" });
    const out = join(work, "enc-wild.bin");
    // The wildcard's password may be given in either spelling.
    expect(cli("certs", "pack", dir, "-o", out, "--passphrase", `_wildcard_.w.test=${CLIENT_KEY_PASSWORD}`).code).toBe(0);
    const unchecked = cli("certs", "verify", out);
    expect(unchecked.code).toBe(0);
    expect(unchecked.err).toMatch(/^warning: .*:\*\.w\.test_key: the key is encrypted and was not checked against its certificate \(give --passphrase \*\.w\.test=<password>\)$/);
    const checked = cli("certs", "verify", out, "--passphrase", `*.w.test=${CLIENT_KEY_PASSWORD}`);
    expect(checked.err).toBe("");
    expect(checked.code).toBe(0);
    const wrong = cli("certs", "verify", out, "--passphrase", "*.w.test=nope");
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/\*\.w\.test_key: the key cannot be decrypted with the given passphrase/);
  });

  test("a PKCS#8 key encrypted with AES is packed with a warning that older mbedTLS cannot read it; 3DES is not", () => {
    const pass = ["--passphrase", `h.test=${CLIENT_KEY_PASSWORD}`];
    const aes = cli("certs", "pack", dirWith({ "h.test_cert": "client.pem", "h.test_key": "client-p8-aes.key" }), "-o", join(work, "aes.bin"), ...pass);
    expect(aes.code).toBe(0);
    expect(aes.err).toMatch(/^warning: .*h\.test_key: the key is PKCS#8-encrypted with AES, which mbedTLS before 3\.6 \(e\.g\. 2\.28\) cannot decrypt/);
    const des3 = cli("certs", "pack", dirWith({ "h.test_cert": "client.pem", "h.test_key": "client-p8-des3.key" }), "-o", join(work, "des3.bin"), ...pass);
    expect(des3.code).toBe(0);
    expect(des3.err).toBe("");
  });

  test("the device-side check tells encrypted keys from plain ones, PEM and DER", () => {
    const der = (file: string) => new Uint8Array(execFileSync("openssl", ["pkcs8", "-topk8", "-in", pki.path(file), "-outform", "DER",
      ...(file.includes("encrypted") ? ["-passin", `pass:${CLIENT_KEY_PASSWORD}`, "-passout", "pass:x"] : ["-nocrypt"])]));
    expect(isEncryptedKey(new Uint8Array(readFileSync(pki.path("client-encrypted.key"))), "pem")).toBe(true);
    expect(isEncryptedKey(new Uint8Array(readFileSync(pki.path("client.key"))), "pem")).toBe(false);
    expect(isEncryptedKey(der("client-encrypted.key"), "der")).toBe(true);
    expect(isEncryptedKey(der("client.key"), "der")).toBe(false);
    expect(isEncryptedKey(pki.der("client-key.der"), "der")).toBe(false);
  });

  test("an expired certificate is packed with a warning", () => {
    const dir = dirWith({ "old.test_ca.pem": "expired.pem" });
    const r = cli("certs", "pack", dir, "-o", join(work, "old.bin"));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^warning: .*old\.test_ca\.pem: certificate "CN=localhost" expired on /);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ["a file that is not a certificate", { "h.test_ca.pem": "server.csr" }, /h\.test_ca\.pem: holds a PEM "CERTIFICATE REQUEST" block where a certificate was expected/],
    ["a key where a certificate belongs", { "h.test_ca": "client.key" }, /h\.test_ca: holds a PEM "PRIVATE KEY" block where a certificate was expected/],
    ["a certificate where a key belongs", { "h.test_cert": "client.pem", "h.test_key": "client.pem" }, /h\.test_key: holds a PEM "CERTIFICATE" block where a private key was expected$/],
    ["a key that does not match its certificate", { "h.test_cert.pem": "client.pem", "h.test_key.pem": "server.key" }, /h\.test_key\.pem: the key does not match the certificate in .*h\.test_cert\.pem/],
    ["a certificate without its key", { "h.test_cert.pem": "client.pem" }, /h\.test_cert\.pem: "h\.test_cert" has no "h\.test_key"/],
    ["a key without its certificate", { "h.test_key.pem": "client.key" }, /h\.test_key\.pem: "h\.test_key" has no "h\.test_cert"/],
    ["a chain that did not issue the certificate", { "h.test_cert": "client.pem", "h.test_key": "client.key", "h.test_chain": "other-ca.pem" }, /h\.test_chain: no certificate in the chain issued the certificate/],
    ["an unknown name", { "README.txt": "ca.pem" }, /README\.txt: unknown entry name: expected <domain>_cert, <domain>_key, <domain>_chain or <domain>_ca/],
    ["an unknown kind", { "localhost_pub.pem": "ca.pem" }, /localhost_pub\.pem: unknown entry name/],
    ["a domain that is not a host name", { "bad!host_ca.pem": "ca.pem" }, /bad!host_ca\.pem: "bad!host" is not a usable domain/],
    ["a wildcard not in first place", { "a.*.test_ca.pem": "ca.pem" }, /"a\.\*\.test" is not a usable domain/],
    ["two files for one entry", { "h.test_ca.pem": "ca.pem", "h.test_ca.crt": "ca.pem" }, /h\.test_ca\.pem: entry "h\.test_ca" is also given by .*h\.test_ca\.crt/],
    [".der holding PEM", { "h.test_ca.der": "ca.pem" }, /h\.test_ca\.der: named \.der but holds PEM text/],
    [".pem holding DER", { "h.test_ca.pem": "ca.der" }, /h\.test_ca\.pem: named \.pem but does not hold PEM text/],
  ])("refuses %s", (_what, files, pattern) => {
    // One problem, one message: a bad file does not also cause follow-on complaints.
    expect(refusal(dirWith(files))).toEqual([expect.stringMatching(pattern)]);
  });

  test("refuses a damaged certificate, saying it does not parse", () => {
    const dir = join(work, `d${counter++}`);
    mkdirSync(dir);
    // Valid PEM framing and base64, but the DER inside is cut short.
    const der = pki.der("ca.der").subarray(0, 200);
    const text = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString("base64")}\n-----END CERTIFICATE-----\n`;
    writeFileSync(join(dir, "h.test_ca.pem"), text);
    expect(refusal(dir)).toEqual([expect.stringMatching(/h\.test_ca\.pem: the certificate does not parse \(/)]);
  });

  test("refuses an empty directory and a sub-directory", () => {
    expect(refusal(dirWith({}))).toEqual(["no files to pack"]);
    const dir = dirWith({ "h.test_ca.pem": "ca.pem" });
    mkdirSync(join(dir, "nested"));
    expect(refusal(dir)).toEqual([expect.stringMatching(/nested: not a regular file/)]);
  });

  test("the command line reports every problem, and writes nothing", () => {
    const dir = dirWith({ "README.txt": "ca.pem", "h.test_key.pem": "client.key" });
    const out = join(work, "never.bin");
    const r = cli("certs", "pack", dir, "-o", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/certs pack refused:\n {2}.*README\.txt: unknown entry name.*\n {2}.*h\.test_key\.pem: "h\.test_key" has no "h\.test_cert"/);
    expect(() => readFileSync(out)).toThrow();
  });
});

describe("list and verify", () => {
  test("verify refuses a corrupt bundle with CERT_BUNDLE; list refuses a truncated one", () => {
    const dir = dirWith({ "h.test_ca.pem": "ca.pem" });
    const out = join(work, "v.bin");
    expect(cli("certs", "pack", dir, "-o", out).code).toBe(0);
    const bytes = readFileSync(out);
    bytes[bytes.length - 40] ^= 0x04; // inside the payload: only its own CRC notices
    writeFileSync(join(work, "v-bad.bin"), bytes);
    const v = cli("certs", "verify", join(work, "v-bad.bin"));
    expect(v.code).toBe(1);
    expect(v.err).toBe('certificate bundle: entry "h.test_ca" is corrupt (CRC mismatch) [CERT_BUNDLE]');
    writeFileSync(join(work, "v-short.bin"), bytes.subarray(0, 30));
    const l = cli("certs", "list", join(work, "v-short.bin"));
    expect(l.code).toBe(1);
    expect(l.err).toMatch(/certificate bundle: truncated: header says \d+ bytes, only 30 present \[CERT_BUNDLE\]/);
  });

  test("usage errors exit 2", () => {
    expect(cli().code).toBe(2);
    expect(cli("certs", "pack").err).toMatch(/pack needs one directory and -o <bundle>/);
    expect(cli("certs", "frob", "x").err).toMatch(/unknown certs command "frob"/);
    expect(cli("certs", "list", "a", "--zap").err).toMatch(/unknown option "--zap"/);
  });
});

describe("bin/cli.mjs", () => {
  beforeAll(() => {
    execFileSync(process.execPath, ["certs/build-cli.mjs"], { stdio: "pipe" });
  });

  test("packs, lists and verifies as a separate process", () => {
    const dir = dirWith({ "localhost_ca.pem": "ca.pem", "localhost_cert.pem": "client.pem", "localhost_key.pem": "client.key" });
    const out = join(work, "bin.bin");
    const run = (...args: string[]) => spawnSync(process.execPath, ["bin/cli.mjs", ...args], { encoding: "utf8" });
    const pack = run("certs", "pack", dir, "-o", out);
    expect(pack.stderr).toBe("");
    expect(pack.status).toBe(0);
    expect(run("certs", "list", out).stdout).toContain("localhost_key");
    expect(run("certs", "verify", out).status).toBe(0);
    const bad = run("certs", "pack", dirWith({ "x_y.pem": "ca.pem" }), "-o", join(work, "no.bin"));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/x_y\.pem: unknown entry name/);
  });
});
