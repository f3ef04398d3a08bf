/**
 * A throw-away PKI made with the openssl command line, for the TLS tests:
 * two unrelated root CAs, server certificates (good, expired, wrong host,
 * per-host), a client certificate, and an encrypted copy of its key.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CLIENT_KEY_PASSWORD = "correct horse";

export interface Pki {
  dir: string;
  /** PEM text of every file, by base name (e.g. "ca.pem", "server.key"). */
  pem(name: string): string;
  /** DER bytes of a certificate file. */
  der(name: string): Uint8Array;
  path(name: string): string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function newKey(dir: string, name: string): void {
  openssl(dir, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", name]);
}

function rootCa(dir: string, name: string, cn: string): void {
  newKey(dir, `${name}.key`);
  openssl(dir, ["req", "-x509", "-new", "-key", `${name}.key`, "-out", `${name}.pem`, "-days", "30", "-subj", `/CN=${cn}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
}

/** A leaf signed by `ca`; `days` may be negative (an already expired certificate). */
function leaf(dir: string, name: string, ca: string, cn: string, san: string | undefined, days: number, usage: string): void {
  newKey(dir, `${name}.key`);
  openssl(dir, ["req", "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
  const ext = [`extendedKeyUsage=${usage}`, "basicConstraints=CA:FALSE"];
  if (san) ext.push(`subjectAltName=${san}`);
  writeFileSync(join(dir, `${name}.ext`), ext.join("\n") + "\n");
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-CAcreateserial",
    "-out", `${name}.pem`, "-days", String(days), "-extfile", `${name}.ext`]);
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), "wscerts-"));
  rootCa(dir, "ca", "Test Root CA");
  rootCa(dir, "other-ca", "Unrelated Root CA");
  leaf(dir, "server", "ca", "localhost", "DNS:localhost,IP:127.0.0.1", 30, "serverAuth");
  leaf(dir, "expired", "ca", "localhost", "DNS:localhost,IP:127.0.0.1", -1, "serverAuth");
  leaf(dir, "wronghost", "ca", "elsewhere.test", "DNS:elsewhere.test", 30, "serverAuth");
  leaf(dir, "alpha", "ca", "alpha.test", "DNS:alpha.test", 30, "serverAuth");
  leaf(dir, "beta", "other-ca", "beta.test", "DNS:beta.test", 30, "serverAuth");
  leaf(dir, "wild", "other-ca", "*.wild.test", "DNS:*.wild.test", 30, "serverAuth");
  leaf(dir, "client", "ca", "test client", undefined, 30, "clientAuth");
  leaf(dir, "client2", "other-ca", "other client", undefined, 30, "clientAuth");
  // Traditional PEM with AES: both Node and mbedTLS 2.28 read it.
  openssl(dir, ["pkey", "-in", "client.key", "-out", "client-encrypted.key", "-traditional", "-aes-256-cbc", "-passout", `pass:${CLIENT_KEY_PASSWORD}`]);
  // PKCS#8 with AES (OpenSSL's default): mbedTLS before 3.6 cannot decrypt it.
  openssl(dir, ["pkey", "-in", "client.key", "-out", "client-p8-aes.key", "-aes-256-cbc", "-passout", `pass:${CLIENT_KEY_PASSWORD}`]);
  // PKCS#8 with 3DES: readable everywhere.
  openssl(dir, ["pkcs8", "-topk8", "-v2", "des3", "-in", "client.key", "-out", "client-p8-des3.key", "-passout", `pass:${CLIENT_KEY_PASSWORD}`]);
  for (const name of ["ca", "server", "client"]) {
    openssl(dir, ["x509", "-in", `${name}.pem`, "-outform", "DER", "-out", `${name}.der`]);
  }
  openssl(dir, ["pkey", "-in", "client.key", "-outform", "DER", "-out", "client-key.der"]);
  return {
    dir,
    pem: (name) => readFileSync(join(dir, name), "latin1"),
    der: (name) => new Uint8Array(readFileSync(join(dir, name))),
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
