/**
 * Parent side of the simulator's `wsx-tls` (shims/tls.ts): each TLS host and
 * session the worker makes is a real one of the C core (native/core/wsx_tls.c)
 * through its N-API binding, kept here by id. The worker's calls arrive
 * synchronously through issueCommand, as calls into a host object do on a
 * device. The core owns no socket: the worker's TLS layer carries the
 * ciphertext over the simulator's own TCP socket (bridge.ts), so nothing here
 * dials anything or pushes anything to the worker.
 */
import { loadMbedtlsNative } from "../node/mbedtls";
import { NativeFailure, NativeState, type NativeTlsHost, type NativeTlsHostOptions, type NativeTlsSession } from "../modules/transport/mbedtls-native";
import type { WireHeader } from "./shims/wire";

/** What a session answers after close() (the XS binding frees it there: later calls see CLOSED and no error). */
const CLOSED: NativeTlsSession = Object.freeze({
  state: NativeState.CLOSED,
  failure: NativeFailure.NONE,
  error: "",
  mbedtlsError: 0,
  verifyFlags: 0,
  resumed: false,
  input: (bytes: Uint8Array) => bytes.length,
  read: () => null,
  write: () => -1,
  output: () => null,
  eof: () => undefined,
  shutdown: () => undefined,
  close: () => undefined,
});

const SESSION_PROPERTIES = Object.freeze(["state", "failure", "error", "mbedtlsError", "verifyFlags", "resumed"]);
const HOST_PROPERTIES = Object.freeze(["error", "failure", "hasSession"]);

/** Split the body back into the byte options the header lists by length. */
function take(body: Uint8Array, at: { offset: number }, length: number): Uint8Array {
  const bytes = body.slice(at.offset, at.offset + length);
  at.offset += length;
  return bytes;
}

/** A TypeError from the binding (of the main realm: jest's differs) goes back for the worker to throw again. */
function typeErrorOf(error: unknown): { header: WireHeader } {
  if ((error as Error).name === "TypeError") return { header: { typeError: (error as Error).message } };
  return { header: { failed: (error as Error).message } };
}

export class TlsBridge {
  private readonly hosts = new Map<number, NativeTlsHost | undefined>();
  private readonly sessions = new Map<number, NativeTlsSession>();
  private nextId = 1;
  /** TLS sessions started so far (a test can see the worker really went through the C core). */
  opened = 0;
  /** TLS hosts made so far (settings parsed by the core). */
  hostsMade = 0;
  /** Sessions that resumed a kept session. */
  resumed = 0;

  answer(header: WireHeader, body: Uint8Array): { header: WireHeader; body?: Uint8Array } {
    switch (header.op) {
      case "tls.version":
        return { header: { value: loadMbedtlsNative().mbedtlsVersion } };
      case "tls.host":
        return this.host(header, body);
      case "tls.connect":
        return this.connect(Number(header.host));
      case "tls.forget":
        this.hostOf(header).forget();
        return { header: {} };
      case "tls.hostClose": {
        this.hostOf(header).close();
        this.hosts.set(Number(header.host), undefined);
        return { header: {} };
      }
      case "tls.hostGet": {
        const name = String(header.name);
        if (!HOST_PROPERTIES.includes(name)) throw new Error(`wsx-tls: no property ${name}`);
        const host = this.hosts.get(Number(header.host));
        if (!host) return { header: { value: name === "error" ? "" : name === "failure" ? 0 : false } };
        return { header: { value: host[name as keyof NativeTlsHost] as number | string | boolean } };
      }
    }
    const session = this.sessions.get(Number(header.id));
    if (!session) throw new Error("wsx-tls: no such session");
    switch (header.op) {
      case "tls.input":
        return { header: { value: session.input(Uint8Array.from(body)) } };
      case "tls.read":
        return this.buffer(session.read());
      case "tls.write":
        return { header: { value: session.write(Uint8Array.from(body)) } };
      case "tls.output":
        return this.buffer(session.output());
      case "tls.eof":
        session.eof(header.reset === true);
        return { header: {} };
      case "tls.shutdown":
        session.shutdown();
        return { header: {} };
      case "tls.close":
        // Dropped here, so V8 collects the binding's object, as the XS binding frees the C struct at once.
        if (session.resumed) this.resumed++;
        session.close();
        this.sessions.set(Number(header.id), CLOSED);
        return { header: {} };
      case "tls.get": {
        const name = String(header.name);
        if (!SESSION_PROPERTIES.includes(name)) throw new Error(`wsx-tls: no property ${name}`);
        return { header: { value: session[name as keyof NativeTlsSession] as number | string | boolean } };
      }
      default:
        throw new Error(`simulator bridge: unknown request ${String(header.op)}`);
    }
  }

  /** Free every native object (the worker is being torn down). */
  dispose(): void {
    for (const session of this.sessions.values()) session.close();
    for (const host of this.hosts.values()) host?.close();
    this.sessions.clear();
    this.hosts.clear();
  }

  private hostOf(header: WireHeader): NativeTlsHost {
    const host = this.hosts.get(Number(header.host));
    if (!host) throw new Error("wsx-tls: no such host (or closed)");
    return host;
  }

  private buffer(bytes: ArrayBuffer | null): { header: WireHeader; body?: Uint8Array } {
    return bytes === null ? { header: { none: true } } : { header: {}, body: new Uint8Array(bytes) };
  }

  private host(header: WireHeader, body: Uint8Array): { header: WireHeader } {
    const given = header.options as Omit<NativeTlsHostOptions, "ca" | "chain" | "cert" | "key" | "ip">;
    const lengths = header.lengths as { ca?: number[]; chain?: number[]; cert?: number; key?: number; ip?: number };
    const at = { offset: 0 };
    const options: NativeTlsHostOptions = { ...given };
    if (lengths.ca) options.ca = lengths.ca.map((n) => take(body, at, n));
    if (lengths.chain) options.chain = lengths.chain.map((n) => take(body, at, n));
    if (lengths.cert !== undefined) options.cert = take(body, at, lengths.cert);
    if (lengths.key !== undefined) options.key = take(body, at, lengths.key);
    if (lengths.ip !== undefined) options.ip = take(body, at, lengths.ip);
    let host: NativeTlsHost;
    try {
      host = loadMbedtlsNative().host(options);
    } catch (error) {
      return typeErrorOf(error);
    }
    this.hostsMade++;
    const id = this.nextId++;
    this.hosts.set(id, host);
    return { header: { id } };
  }

  private connect(hostId: number): { header: WireHeader } {
    const host = this.hosts.get(hostId);
    if (!host) return { header: { failed: "wsx-tls: this TlsHost is closed" } };
    let session: NativeTlsSession;
    try {
      session = host.connect();
    } catch (error) {
      return typeErrorOf(error);
    }
    this.opened++;
    const id = this.nextId++;
    this.sessions.set(id, session);
    return { header: { id } };
  }
}
