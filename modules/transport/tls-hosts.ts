/**
 * The TLS layer's per-host state, kept in RAM for a bounded number of hosts:
 * each host's settings parsed once by the native core (CA, client certificate
 * and key: shared by every connection to it, not parsed per connection) and
 * its last session, which the next connection resumes. Made by a factory when
 * its first wss connection starts (at run time: on a device the modules are in
 * flash), least recently used host out first.
 */
import { WebSocketError } from "../core/errors";
import { ipAddressBytes } from "../core/ip-address";
import { encodeUtf8 } from "../core/utf8";
import { runTimeSlot } from "../platform/run-time-state";
import type { NativeTlsHost, NativeTlsHostOptions } from "./mbedtls-native";
import type { TlsSettings } from "./tls-settings";
import type { CertData, ConnectTarget, TlsConfig } from "./transport";

class HostEntry {
  constructor(
    readonly key: string,
    readonly tls: TlsConfig | undefined,
    readonly native: NativeTlsHost,
  ) {}
}

export class TlsHosts {
  private readonly entries: HostEntry[] = [];

  constructor(private readonly settings: TlsSettings) {}

  /**
   * The native host for a target, made when the cache has none with the same
   * settings. Throws a WebSocketError when the settings cannot be used (no CA,
   * a bad certificate, a wrong passphrase...), before anything is dialled.
   */
  hostFor(target: ConnectTarget): NativeTlsHost {
    const key = target.host + ":" + target.port;
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry.key === key && sameTls(entry.tls, target.tls)) {
        if (i !== entries.length - 1) {
          entries.splice(i, 1);
          entries.push(entry);
        }
        return entry.native;
      }
    }
    let host: NativeTlsHost;
    try {
      host = this.settings.native.host(this.options(target, key));
    } catch (error) {
      if (error instanceof WebSocketError) throw error;
      // The binding refuses options of the wrong type (its own TypeError).
      throw new WebSocketError(
        "INVALID_ARGUMENT",
        `TLS layer: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const problem = host.error;
    if (problem) {
      host.close();
      throw new WebSocketError("TLS_ERROR", problem);
    }
    // A host whose settings changed (a new CA...) replaces the one kept for the same server.
    for (let i = 0; i < entries.length; i++) {
      if (entries[i].key === key) {
        entries[i].native.close();
        entries.splice(i, 1);
        break;
      }
    }
    if (entries.length >= this.settings.hostLimit) entries.shift()!.native.close();
    entries.push(new HostEntry(key, target.tls, host));
    return host;
  }

  /** Lets go of every host now (open sessions keep what they need); the next connection starts afresh. */
  close(): void {
    for (const entry of this.entries.splice(0)) entry.native.close();
  }

  /** Hosts kept now (for tests and reports). */
  get size(): number {
    return this.entries.length;
  }

  private options(target: ConnectTarget, label: string): NativeTlsHostOptions {
    const tls = target.tls ?? {};
    const { settings } = this;
    const options: NativeTlsHostOptions = {
      label,
      verify: tls.verify !== false,
      insist: tls.insist === true,
      // The factory's switch, then the connection's own (tls.resumption: false).
      resumption: settings.resumption && tls.resumption !== false,
    };
    if (settings.maxFragmentLength !== undefined) options.maxFragmentLength = settings.maxFragmentLength;
    const name = tls.servername ?? stripBrackets(target.host);
    const ip = ipAddressBytes(name);
    if (ip) options.ip = ip;
    else if (name !== "") options.servername = name;
    const encode = settings.platform.encodeUtf8 ?? encodeUtf8;
    if (tls.ca) options.ca = tls.ca.map((c, i) => certBytes(c, `tls.ca[${i}]`, encode));
    if (tls.chain) options.chain = tls.chain.map((c, i) => certBytes(c, `tls.chain[${i}]`, encode));
    if (tls.cert !== undefined) options.cert = certBytes(tls.cert, "tls.cert", encode);
    if (tls.key !== undefined) options.key = certBytes(tls.key, "tls.key", encode);
    if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
    return options;
  }
}

function stripBrackets(host: string): string {
  return host.charAt(0) === "[" && host.charAt(host.length - 1) === "]" ? host.slice(1, -1) : host;
}

/**
 * Same settings: the same values, and the same certificate bytes (a bundle hands out fresh views of the same flash).
 */
function sameTls(a: TlsConfig | undefined, b: TlsConfig | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    a.verify === b.verify &&
    a.insist === b.insist &&
    a.servername === b.servername &&
    a.passphrase === b.passphrase &&
    a.resumption === b.resumption &&
    sameList(a.ca, b.ca) &&
    sameList(a.chain, b.chain) &&
    sameData(a.cert, b.cert) &&
    sameData(a.key, b.key)
  );
}

function sameList(a: CertData[] | undefined, b: CertData[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
  return true;
}

function sameData(a: CertData | undefined, b: CertData | undefined): boolean {
  if (a === b) return true;
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  if (a.buffer === b.buffer && a.byteOffset === b.byteOffset) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * PEM text becomes its ASCII bytes; DER (and PEM already as bytes) passes through. Encoded whole, then
 * checked byte by byte: on XS a string is UTF-8, and indexing it character by character rescans it.
 */
function certBytes(data: CertData, name: string, encode: (text: string) => Uint8Array): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data !== "string") throw new WebSocketError("INVALID_ARGUMENT", `${name} must be PEM text or DER bytes`);
  const bytes = encode(data);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] > 0x7f)
      throw new WebSocketError("INVALID_ARGUMENT", `${name} is not PEM: it has a non-ASCII character at byte ${i}`);
  }
  return bytes;
}

/**
 * A factory's host cache (parsed settings and kept sessions), made by its first connection. It is
 * run-time state: a device makes its factory while modules preload into flash, where the settings
 * must stay frozen, so the cache lives in the app's run-time state, keyed by its settings. A Map,
 * not a WeakMap: XS refuses an object in flash as a WeakMap key ("key: read-only"). The Map keeps the
 * caches of the last few factories, so runtimes made and dropped at run time (Node) cannot pile up.
 */
export function hostsOf(settings: TlsSettings): TlsHosts {
  const caches = runTimeSlot("tls hosts", makeCaches);
  let hosts = caches.get(settings);
  if (hosts === undefined) {
    if (caches.size >= FACTORIES_KEPT) {
      const oldest = caches.keys().next().value as TlsSettings;
      caches.get(oldest)!.close();
      caches.delete(oldest);
    }
    hosts = new TlsHosts(settings);
    caches.set(settings, hosts);
  }
  return hosts;
}

/** Factories whose host caches are kept at once (a device has one; Node one per mbedtlsRuntime()). */
const FACTORIES_KEPT = 8;

function makeCaches(): Map<TlsSettings, TlsHosts> {
  return new Map();
}
