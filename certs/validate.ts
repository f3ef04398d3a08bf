/**
 * Host-side checks of bundle entries with Node's X.509 and key parsers:
 * each certificate parses, each key parses (decrypting it when a password is
 * given), a key matches its domain's certificate, a chain issued it, and a
 * domain's entries make sense together. Used by `pack` and by `verify`.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import type { PayloadFormat } from "../modules/certs/format";
import { parseEntryName, type EntryKind } from "../modules/certs/names";
import { checkPayload } from "../modules/certs/payload-check";

export interface CheckedEntry {
  /** Where it came from (a file path, or `bundle:entry`), used in messages. */
  source: string;
  name: string;
  format: PayloadFormat;
  bytes: Uint8Array;
}

export interface ValidationResult {
  problems: string[];
  warnings: string[];
}

export interface ValidationOptions {
  /** Passwords of encrypted keys, by domain. */
  passphrases?: Readonly<Record<string, string>>;
  /** An encrypted key without its password cannot be checked: a problem (pack, default) or a warning (verify). */
  uncheckedKeys?: "problem" | "warning";
  now?: Date;
  /** Told how many entries were checked so far (0 … total), for the packer's progress on large folders. */
  onProgress?: (checked: number, total: number) => void;
}

export function validateEntries(entries: readonly CheckedEntry[], options: ValidationOptions = {}): ValidationResult {
  const passphrases = options.passphrases ?? {};
  const now = options.now ?? new Date();
  const problems: string[] = [];
  const warnings: string[] = [];
  const byDomain = new Map<string, Partial<Record<EntryKind, { entry: CheckedEntry; certs?: X509Certificate[]; key?: KeyObject }>>>();

  for (let i = 0; i < entries.length; i++) {
    options.onProgress?.(i, entries.length);
    const entry = entries[i];
    const parsed = parseEntryName(entry.name);
    if (!parsed) {
      problems.push(`${entry.source}: "${entry.name}" is not <domain>_cert, _key, _chain or _ca`);
      continue;
    }
    const slot = byDomain.get(parsed.domain) ?? {};
    byDomain.set(parsed.domain, slot);
    const shape = checkPayload(entry.bytes, entry.format, parsed.kind);
    if (shape) {
      problems.push(`${entry.source}: ${shape}`);
      slot[parsed.kind] = { entry };
      continue;
    }
    if (parsed.kind === "key") {
      const key = parseKey(entry, passphrases[parsed.domain]);
      if (key === ENCRYPTED && options.uncheckedKeys === "warning") {
        warnings.push(`${entry.source}: the key is encrypted and was not checked against its certificate (give --passphrase ${parsed.domain}=<password>)`);
        slot.key = { entry };
      } else if (typeof key === "string") {
        problems.push(`${entry.source}: ${key === ENCRYPTED ? `the key is encrypted: give --passphrase ${parsed.domain}=<password> so it can be checked against its certificate` : key}`);
        slot.key = { entry };
      } else {
        slot.key = { entry, key };
        if (isAesPkcs8(entry)) {
          warnings.push(`${entry.source}: the key is PKCS#8-encrypted with AES, which mbedTLS before 3.6 (e.g. 2.28) cannot decrypt on a device; ` +
            "re-encrypt it with `openssl pkcs8 -topk8 -v2 des3`, or as traditional PEM with `openssl pkey -traditional -aes-256-cbc`");
        }
      }
      continue;
    }
    const certs = parseCertificates(entry);
    if (typeof certs === "string") {
      problems.push(`${entry.source}: ${certs}`);
      slot[parsed.kind] = { entry };
      continue;
    }
    for (const c of certs) {
      if (new Date(c.validTo) < now) warnings.push(`${entry.source}: certificate "${c.subject.replace(/\n/g, ", ")}" expired on ${c.validTo}`);
      if (new Date(c.validFrom) > now) warnings.push(`${entry.source}: certificate "${c.subject.replace(/\n/g, ", ")}" is not valid before ${c.validFrom}`);
    }
    slot[parsed.kind] = { entry, certs };
  }
  options.onProgress?.(entries.length, entries.length);

  for (const [domain, slot] of byDomain) {
    const { cert, key, chain } = slot;
    if (key && !cert) problems.push(`${key.entry.source}: "${domain}_key" has no "${domain}_cert" to go with it`);
    if (cert && !key) problems.push(`${cert.entry.source}: "${domain}_cert" has no "${domain}_key" (a client certificate is useless without its key)`);
    if (chain && !cert) problems.push(`${chain.entry.source}: "${domain}_chain" has no "${domain}_cert" to complete`);
    const leaf = cert?.certs?.[0];
    if (leaf && key?.key && !leaf.checkPrivateKey(key.key)) {
      problems.push(`${key.entry.source}: the key does not match the certificate in ${cert!.entry.source}`);
    }
    if (leaf && chain?.certs && !chain.certs.some((c) => leaf.checkIssued(c) && leaf.verify(c.publicKey))) {
      problems.push(`${chain.entry.source}: no certificate in the chain issued the certificate in ${cert!.entry.source}`);
    }
  }
  return { problems, warnings };
}

function parseCertificates(entry: CheckedEntry): X509Certificate[] | string {
  const blocks = entry.format === "pem" ? pemBlocks(entry.bytes) : [Buffer.from(entry.bytes)];
  const out: X509Certificate[] = [];
  for (let i = 0; i < blocks.length; i++) {
    try {
      out.push(new X509Certificate(blocks[i]));
    } catch (e) {
      const which = blocks.length > 1 ? `certificate ${i + 1} of ${blocks.length}` : "the certificate";
      return `${which} does not parse (${(e as Error).message})`;
    }
  }
  return out;
}

/** parseKey's answer for an encrypted key without a password. */
const ENCRYPTED = "encrypted";

function parseKey(entry: CheckedEntry, passphrase: string | undefined): KeyObject | string {
  const text = entry.format === "pem" ? Buffer.from(entry.bytes).toString("latin1") : "";
  const encrypted = /ENCRYPTED PRIVATE KEY|Proc-Type: *4, *ENCRYPTED/.test(text);
  if (encrypted && passphrase === undefined) return ENCRYPTED;
  const key = Buffer.from(entry.bytes);
  const attempts: Parameters<typeof createPrivateKey>[0][] = entry.format === "pem"
    ? [{ key, format: "pem", passphrase }]
    : (["pkcs8", "pkcs1", "sec1"] as const).map((type) => ({ key, format: "der" as const, type, passphrase }));
  let last = "";
  for (const attempt of attempts) {
    try {
      return createPrivateKey(attempt);
    } catch (e) {
      last = (e as Error).message;
    }
  }
  if (encrypted || /bad decrypt/i.test(last)) return `the key cannot be decrypted with the given passphrase (${last})`;
  return `the private key does not parse (${last})`;
}

/** AES-CBC's OID arc 2.16.840.1.101.3.4.1 (aes128/192/256-CBC are .2/.22/.42), DER-encoded. */
const AES_OID_PREFIX = Buffer.from([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01]);

/** An EncryptedPrivateKeyInfo (PBES2) whose cipher is AES. */
function isAesPkcs8(entry: CheckedEntry): boolean {
  let der: Buffer;
  if (entry.format === "pem") {
    const text = Buffer.from(entry.bytes).toString("latin1");
    const body = /-----BEGIN ENCRYPTED PRIVATE KEY-----([\s\S]*?)-----END ENCRYPTED PRIVATE KEY-----/.exec(text);
    if (!body) return false;
    der = Buffer.from(body[1].replace(/\s+/g, ""), "base64");
  } else {
    der = Buffer.from(entry.bytes);
  }
  return der.includes(AES_OID_PREFIX);
}

/** Each BEGIN..END block of PEM text, as its own buffer. */
function pemBlocks(bytes: Uint8Array): Buffer[] {
  const text = Buffer.from(bytes).toString("latin1");
  const found = text.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
  return found.map((b) => Buffer.from(b + "\n", "latin1"));
}
