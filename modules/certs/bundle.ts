/**
 * Reader of the merged certificate bundle (format: certs/README.md).
 *
 * Built to run in place on flash-mapped data (a Moddable Resource): open()
 * checks the header, the directory (entry table and names) and every
 * payload's CRC, so a damaged image is refused once, where it is opened,
 * not later by the first connection to the host it breaks; a payload's CRC
 * (again) and its shape are checked the first time it is used. Payloads are
 * returned as views into the given memory, never copies.
 * Every defect is a WebSocketError with code CERT_BUNDLE; nothing here throws
 * anything else for any input.
 */
import { WebSocketError } from "../core/errors";
import { latin1 } from "../core/http-head";
import { encodeUtf8 } from "../core/utf8";
import { crc32Update } from "./crc32";
import {
  ENTRY_FORMAT,
  ENTRY_NAME_LENGTH,
  ENTRY_NAME_OFFSET,
  ENTRY_PAYLOAD_CRC,
  ENTRY_PAYLOAD_LENGTH,
  ENTRY_PAYLOAD_OFFSET,
  ENTRY_RESERVED,
  ENTRY_SIZE,
  FORMAT_DER,
  FORMAT_PEM,
  HEADER_SIZE,
  MAGIC,
  MAX_NAME_LENGTH,
  OFFSET_COUNT,
  OFFSET_DIRECTORY_CRC,
  OFFSET_DIRECTORY_LENGTH,
  OFFSET_TOTAL_LENGTH,
  OFFSET_VERSION,
  VERSION,
  type PayloadFormat,
} from "./format"; // named: XS links a namespace import (`* as`) kept by a function as "no const"
import { candidateDomains, entryName, parseEntryName, type EntryKind } from "./names";
import { checkPayload } from "./payload-check";

export interface BundleEntryInfo {
  name: string;
  format: PayloadFormat;
  offset: number;
  length: number;
}

export interface BundlePayload {
  /** A view into the bundle's memory (PEM text or DER bytes). */
  bytes: Uint8Array;
  format: PayloadFormat;
}

/** The entries one host resolves to; all from the same domain, never mixed. */
export interface DomainEntries {
  domain: string;
  cert?: BundlePayload;
  key?: BundlePayload;
  chain?: BundlePayload;
  ca?: BundlePayload;
}

/**
 * Memory a bundle can be read from: an ArrayBuffer, a byte view, or a
 * Moddable HostBuffer (a Resource, a mapped flash partition), which
 * Uint8Array wraps without copying.
 */
export type BundleSource = ArrayBufferLike | ArrayBufferView | { readonly byteLength: number };

function fail(message: string): never {
  throw new WebSocketError("CERT_BUNDLE", "certificate bundle: " + message);
}

export class CertificateBundle {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  readonly count: number;
  private readonly checked: Uint8Array;

  /** Use CertificateBundle.open(data): it checks the bytes first. (JavaScript can still call `new`: it is refused.) */
  private constructor(bytes: Uint8Array, count: number) {
    if (typeof count !== "number")
      fail("new CertificateBundle(data) does not read a bundle: use CertificateBundle.open(data)");
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.count = count;
    this.checked = new Uint8Array(count);
  }

  /**
   * Validate header, directory and every payload's CRC of a bundle held in
   * `data` (one pass over its bytes). Bytes after the length the header
   * declares are ignored (so a fixed-size flash partition can be mapped whole).
   */
  static open(data: BundleSource): CertificateBundle {
    let all: Uint8Array;
    if (ArrayBuffer.isView(data)) all = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else if (data && typeof data.byteLength === "number") all = new Uint8Array(data as ArrayBufferLike);
    else fail("expected an ArrayBuffer or a byte view");
    if (all.length < HEADER_SIZE) fail(`truncated: ${all.length} bytes, the header alone needs ${HEADER_SIZE}`);
    for (let i = 0; i < 4; i++) if (all[i] !== MAGIC[i]) fail("bad magic (not a certificate bundle)");
    const head = new DataView(all.buffer, all.byteOffset, HEADER_SIZE);
    const version = head.getUint16(OFFSET_VERSION, true);
    if (version !== VERSION) fail(`unsupported version ${version} (this reader knows ${VERSION})`);
    const count = head.getUint16(OFFSET_COUNT, true);
    const total = head.getUint32(OFFSET_TOTAL_LENGTH, true);
    const directory = head.getUint32(OFFSET_DIRECTORY_LENGTH, true);
    if (total > all.length) fail(`truncated: header says ${total} bytes, only ${all.length} present`);
    const tableEnd = HEADER_SIZE + count * ENTRY_SIZE;
    if (directory < tableEnd || directory > total) fail(`directory length ${directory} is out of bounds`);
    const bytes = all.subarray(0, total);
    let crc = crc32Update(0, bytes, 0, OFFSET_DIRECTORY_CRC);
    crc = crc32Update(crc, ZERO4);
    crc = crc32Update(crc, bytes, OFFSET_DIRECTORY_CRC + 4, directory);
    if (crc !== head.getUint32(OFFSET_DIRECTORY_CRC, true))
      fail("directory CRC mismatch (corrupt header or entry table)");
    const bundle = new CertificateBundle(bytes, count);
    bundle.checkDirectory(tableEnd, directory, total);
    bundle.checkPayloadCrcs();
    return bundle;
  }

  /** Bounds, formats, names, and strict name order (which lookups rely on). */
  private checkDirectory(tableEnd: number, directory: number, total: number): void {
    let previous = "";
    for (let i = 0; i < this.count; i++) {
      const e = HEADER_SIZE + i * ENTRY_SIZE;
      const nameOffset = this.view.getUint32(e + ENTRY_NAME_OFFSET, true);
      const nameLength = this.view.getUint16(e + ENTRY_NAME_LENGTH, true);
      if (
        nameLength === 0 ||
        nameLength > MAX_NAME_LENGTH ||
        nameOffset < tableEnd ||
        nameOffset + nameLength > directory
      ) {
        fail(`entry ${i} has its name out of bounds`);
      }
      const format = this.bytes[e + ENTRY_FORMAT];
      if (format !== FORMAT_PEM && format !== FORMAT_DER) fail(`entry ${i} has unknown format ${format}`);
      if (this.bytes[e + ENTRY_RESERVED] !== 0) fail(`entry ${i} has a non-zero reserved byte`);
      const offset = this.view.getUint32(e + ENTRY_PAYLOAD_OFFSET, true);
      const length = this.view.getUint32(e + ENTRY_PAYLOAD_LENGTH, true);
      const name = this.name(i);
      if (length === 0 || offset < directory || offset + length > total)
        fail(`entry "${name}" has its payload out of bounds`);
      if (!parseEntryName(name)) fail(`entry ${i} has an invalid name "${name}"`);
      if (i > 0 && !(previous < name)) fail(`entries are not in strict name order at "${name}"`);
      previous = name;
    }
  }

  /**
   * Every payload's CRC (a few KiB, once): a bundle in flash is damaged as a
   * whole image, and that should stop the app where the bundle is opened.
   */
  private checkPayloadCrcs(): void {
    for (let i = 0; i < this.count; i++) {
      const e = HEADER_SIZE + i * ENTRY_SIZE;
      const offset = this.view.getUint32(e + ENTRY_PAYLOAD_OFFSET, true);
      const length = this.view.getUint32(e + ENTRY_PAYLOAD_LENGTH, true);
      if (crc32Update(0, this.bytes, offset, offset + length) !== this.view.getUint32(e + ENTRY_PAYLOAD_CRC, true)) {
        fail(`entry "${this.name(i)}" is corrupt (CRC mismatch)`);
      }
    }
  }

  name(index: number): string {
    const e = HEADER_SIZE + index * ENTRY_SIZE;
    const offset = this.view.getUint32(e + ENTRY_NAME_OFFSET, true);
    const length = this.view.getUint16(e + ENTRY_NAME_LENGTH, true);
    return latin1(this.bytes, offset, offset + length);
  }

  info(index: number): BundleEntryInfo {
    const e = HEADER_SIZE + index * ENTRY_SIZE;
    return {
      name: this.name(index),
      format: this.bytes[e + ENTRY_FORMAT] === FORMAT_DER ? "der" : "pem",
      offset: this.view.getUint32(e + ENTRY_PAYLOAD_OFFSET, true),
      length: this.view.getUint32(e + ENTRY_PAYLOAD_LENGTH, true),
    };
  }

  entries(): BundleEntryInfo[] {
    const out: BundleEntryInfo[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.info(i));
    return out;
  }

  /** Index of the entry called `name`, or -1 (binary search over the sorted table). */
  indexOf(name: string): number {
    const wanted = encodeUtf8(name); // bytes once: on XS name.charCodeAt(i) would rescan the string
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compareName(mid, wanted);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  /**
   * The payload of entry `name`, or undefined when there is none. Its CRC
   * and shape are checked on first use; a damaged payload throws.
   */
  payload(name: string): BundlePayload | undefined {
    const index = this.indexOf(name);
    return index < 0 ? undefined : this.payloadAt(index);
  }

  payloadAt(index: number): BundlePayload {
    const e = HEADER_SIZE + index * ENTRY_SIZE;
    const offset = this.view.getUint32(e + ENTRY_PAYLOAD_OFFSET, true);
    const length = this.view.getUint32(e + ENTRY_PAYLOAD_LENGTH, true);
    const format: PayloadFormat = this.bytes[e + ENTRY_FORMAT] === FORMAT_DER ? "der" : "pem";
    const bytes = this.bytes.subarray(offset, offset + length);
    if (!this.checked[index]) {
      const name = this.name(index);
      if (crc32Update(0, bytes) !== this.view.getUint32(e + ENTRY_PAYLOAD_CRC, true))
        fail(`entry "${name}" is corrupt (CRC mismatch)`);
      const parsed = parseEntryName(name) as { kind: EntryKind };
      const problem = checkPayload(bytes, format, parsed.kind);
      if (problem) fail(`entry "${name}" ${problem}`);
      this.checked[index] = 1;
    }
    return { bytes, format };
  }

  /** Check every payload's shape now too (the packer's `verify`); open() already checked their CRCs. */
  verifyAll(): void {
    for (let i = 0; i < this.count; i++) this.payloadAt(i);
  }

  /** The most specific domain with any entry for `host`: exact, then `*.parent`, then `default`. */
  domainFor(host: string): string | undefined {
    for (const domain of candidateDomains(host)) {
      if (
        this.has(entryName(domain, "cert")) ||
        this.has(entryName(domain, "key")) ||
        this.has(entryName(domain, "chain")) ||
        this.has(entryName(domain, "ca"))
      )
        return domain;
    }
    return undefined;
  }

  /** All entries of the domain `host` resolves to, payloads checked; undefined when nothing matches. */
  lookup(host: string): DomainEntries | undefined {
    const domain = this.domainFor(host);
    if (domain === undefined) return undefined;
    const found: DomainEntries = { domain };
    const cert = this.payload(entryName(domain, "cert"));
    const key = this.payload(entryName(domain, "key"));
    const chain = this.payload(entryName(domain, "chain"));
    const ca = this.payload(entryName(domain, "ca"));
    if (cert) found.cert = cert;
    if (key) found.key = key;
    if (chain) found.chain = chain;
    if (ca) found.ca = ca;
    return found;
  }

  /** Byte-wise comparison of entry `index`'s name with `name` (names are ASCII). */
  private compareName(index: number, name: Uint8Array): number {
    const e = HEADER_SIZE + index * ENTRY_SIZE;
    const offset = this.view.getUint32(e + ENTRY_NAME_OFFSET, true);
    const length = this.view.getUint16(e + ENTRY_NAME_LENGTH, true);
    const n = Math.min(length, name.length);
    for (let i = 0; i < n; i++) {
      const d = this.bytes[offset + i] - name[i];
      if (d !== 0) return d;
    }
    return length - name.length;
  }
}

const ZERO4 = new Uint8Array(4); // preload: read-only
