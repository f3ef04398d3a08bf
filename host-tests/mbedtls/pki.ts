/**
 * Certificates for the mbedTLS tests, made with the openssl command line in a
 * temporary directory: a root CA and an intermediate (servers send the
 * intermediate, clients trust only the root), an unrelated root, good /
 * expired / wrong-host server leaves, client leaves (from the root, and from
 * the intermediate so the client must send its chain), and encrypted copies
 * of a client key in the formats mbedTLS reads.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const KEY_PASSPHRASE = "open sesame";

export interface TestPki {
  dir: string;
  path(name: string): string;
  /** File contents as text (PEM). */
  text(name: string): string;
  /** File contents as bytes. */
  bytes(name: string): Uint8Array;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function newKey(dir: string, name: string): void {
  openssl(dir, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", `${name}.key`]);
}

function request(dir: string, name: string, cn: string): void {
  newKey(dir, name);
  openssl(dir, ["req", "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
}

function sign(dir: string, name: string, issuer: string, days: number, extensions: string[]): void {
  writeFileSync(join(dir, `${name}.ext`), extensions.join("\n") + "\n");
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.pem`, "-CAkey", `${issuer}.key`,
    "-CAcreateserial", "-out", `${name}.pem`, "-days", String(days), "-extfile", `${name}.ext`]);
}

function root(dir: string, name: string, cn: string): void {
  newKey(dir, name);
  openssl(dir, ["req", "-x509", "-new", "-key", `${name}.key`, "-out", `${name}.pem`, "-days", "30", "-subj", `/CN=${cn}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
}

const SERVER_EXT = ["basicConstraints=CA:FALSE", "extendedKeyUsage=serverAuth"];
const CLIENT_EXT = ["basicConstraints=CA:FALSE", "extendedKeyUsage=clientAuth"];

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "wsx-mbedtls-"));
  root(dir, "ca", "wsx Test Root");
  root(dir, "other-ca", "wsx Unrelated Root");
  request(dir, "int", "wsx Test Intermediate");
  sign(dir, "int", "ca", 30, ["basicConstraints=critical,CA:TRUE,pathlen:0", "keyUsage=critical,keyCertSign,cRLSign"]);

  request(dir, "server", "localhost");
  sign(dir, "server", "int", 30, [...SERVER_EXT, "subjectAltName=DNS:localhost,IP:127.0.0.1"]);
  request(dir, "expired", "localhost");
  sign(dir, "expired", "int", -1, [...SERVER_EXT, "subjectAltName=DNS:localhost,IP:127.0.0.1"]);
  // A server known only by its address, and one known only by its name (issue 17 §6: IP SANs).
  request(dir, "iponly", "127.0.0.1");
  sign(dir, "iponly", "int", 30, [...SERVER_EXT, "subjectAltName=IP:127.0.0.1"]);
  request(dir, "dnsonly", "localhost");
  sign(dir, "dnsonly", "int", 30, [...SERVER_EXT, "subjectAltName=DNS:localhost"]);
  request(dir, "wronghost", "elsewhere.test");
  sign(dir, "wronghost", "int", 30, [...SERVER_EXT, "subjectAltName=DNS:elsewhere.test"]);

  request(dir, "client", "wsx test client");
  sign(dir, "client", "ca", 30, CLIENT_EXT);
  request(dir, "client-int", "wsx chained client");
  sign(dir, "client-int", "int", 30, CLIENT_EXT);

  // Encrypted forms of client.key: traditional PEM with AES-256 (Proc-Type/DEK-Info),
  // PKCS#8 PBES2 with 3DES, and PKCS#8 PBES2 with AES-256 (not readable by mbedTLS 2.28).
  const pass = `pass:${KEY_PASSPHRASE}`;
  openssl(dir, ["ec", "-in", "client.key", "-aes256", "-passout", pass, "-out", "client-pem-aes.key"]);
  openssl(dir, ["pkcs8", "-topk8", "-v2", "des3", "-in", "client.key", "-passout", pass, "-out", "client-p8-des3.key"]);
  openssl(dir, ["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "client.key", "-passout", pass, "-out", "client-p8-aes.key"]);
  openssl(dir, ["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);

  const cat = (out: string, names: string[]) =>
    writeFileSync(join(dir, out), names.map((n) => readFileSync(join(dir, n), "utf8")).join(""));
  cat("server-chain.pem", ["server.pem", "int.pem"]);
  cat("expired-chain.pem", ["expired.pem", "int.pem"]);
  cat("wronghost-chain.pem", ["wronghost.pem", "int.pem"]);
  cat("iponly-chain.pem", ["iponly.pem", "int.pem"]);
  cat("dnsonly-chain.pem", ["dnsonly.pem", "int.pem"]);

  return {
    dir,
    path: (name) => join(dir, name),
    text: (name) => readFileSync(join(dir, name), "utf8"),
    bytes: (name) => new Uint8Array(readFileSync(join(dir, name))),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
