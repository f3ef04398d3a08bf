/**
 * Parent side of the simulator's `wsx-tls` (shims/tls.ts): each native TLS
 * socket the worker opens is a real one of the C core (native/core/wsx_tls.c)
 * through its N-API binding, kept here by id. The worker's calls arrive
 * synchronously through issueCommand, as calls into a host object do on a
 * device. The core is polled (step/read/write), so nothing has to be pushed
 * to the worker: its transport polls from the simulator's timers.
 *
 * Like the TCP bridge, it only reaches 127.0.0.1: "localhost" is dialled as
 * 127.0.0.1 with "localhost" kept as the name TLS sends and verifies (what the
 * C core does after its own getaddrinfo), and any other name is refused.
 */
import { loadMbedtlsNative } from "../../node/mbedtls";
import { NativeFailure, NativeState, type NativeTlsOptions, type NativeTlsSocket } from "../../modules/transport/mbedtls-native";
import type { WireHeader } from "./shims/wire";

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * A socket with no C connection behind it: after close() (the XS binding frees
 * the connection there, so later calls see CLOSED and no error), or for a host
 * the bridge will not dial (the core's own failure for a name it cannot resolve).
 */
class DetachedSocket implements NativeTlsSocket {
  readonly mbedtlsError = 0;
  readonly verifyFlags = 0;
  constructor(readonly state: number, readonly failure: number, readonly error: string) {}
  step(): number {
    return this.state;
  }
  read(): ArrayBuffer | null {
    return null;
  }
  write(): number {
    return -1;
  }
  shutdown(): void {}
  close(): void {}
}

const CLOSED = new DetachedSocket(NativeState.CLOSED, NativeFailure.NONE, "");

/** Split the body back into the byte options the header lists by length. */
function take(body: Uint8Array, at: { offset: number }, length: number): Uint8Array {
  const bytes = body.slice(at.offset, at.offset + length);
  at.offset += length;
  return bytes;
}

export class TlsBridge {
  private readonly sockets = new Map<number, NativeTlsSocket>();
  private nextId = 1;
  /** Native connections opened so far (a test can see the worker really went through the C core). */
  opened = 0;
  /** Hosts refused because they are not loopback. */
  readonly refused: string[] = [];

  answer(header: WireHeader, body: Uint8Array): { header: WireHeader; body?: Uint8Array } {
    if (header.op === "tls.open") return this.open(header, body);
    if (header.op === "tls.version") return { header: { value: loadMbedtlsNative().mbedtlsVersion } };
    const socket = this.sockets.get(Number(header.id));
    if (!socket) throw new Error("wsx-tls: no such socket");
    switch (header.op) {
      case "tls.step":
        return { header: { value: socket.step() } };
      case "tls.read": {
        const chunk = socket.read();
        return chunk === null ? { header: { none: true } } : { header: {}, body: new Uint8Array(chunk) };
      }
      case "tls.write":
        return { header: { value: socket.write(Uint8Array.from(body)) } };
      case "tls.shutdown":
        socket.shutdown();
        return { header: {} };
      case "tls.close":
        // Dropped here, so V8 collects the binding's object and frees the C struct, as the XS binding frees it at once.
        socket.close();
        this.sockets.set(Number(header.id), CLOSED);
        return { header: {} };
      case "tls.get": {
        const name = String(header.name);
        if (!["state", "failure", "error", "mbedtlsError", "verifyFlags"].includes(name)) throw new Error(`wsx-tls: no property ${name}`);
        return { header: { value: socket[name as keyof NativeTlsSocket] as number | string } };
      }
      default:
        throw new Error(`simulator bridge: unknown request ${String(header.op)}`);
    }
  }

  /** Free every native connection (the worker is being torn down). */
  dispose(): void {
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }

  private open(header: WireHeader, body: Uint8Array): { header: WireHeader } {
    const given = header.options as Omit<NativeTlsOptions, "ca" | "chain" | "cert" | "key">;
    const lengths = header.lengths as { ca?: number[]; chain?: number[]; cert?: number; key?: number };
    const at = { offset: 0 };
    const options: NativeTlsOptions = { ...given };
    if (lengths.ca) options.ca = lengths.ca.map((n) => take(body, at, n));
    if (lengths.chain) options.chain = lengths.chain.map((n) => take(body, at, n));
    if (lengths.cert !== undefined) options.cert = take(body, at, lengths.cert);
    if (lengths.key !== undefined) options.key = take(body, at, lengths.key);
    let socket: NativeTlsSocket;
    const host = options.host;
    if (typeof host !== "string" || host === "localhost" || LOOPBACK.test(host)) {
      if (host === "localhost") {
        options.host = "127.0.0.1";
        if (options.servername === undefined) options.servername = "localhost";
      }
      try {
        socket = loadMbedtlsNative().open(options);
      } catch (error) {
        // Wrong option types: the binding throws a TypeError (of the main realm: jest's differs), which the worker throws again as one.
        if ((error as Error).name === "TypeError") return { header: { typeError: (error as Error).message } };
        throw error;
      }
      this.opened++;
    } else {
      this.refused.push(host);
      socket = new DetachedSocket(NativeState.FAILED, NativeFailure.CONNECT, `cannot resolve ${host}: the simulator only reaches 127.0.0.1 and localhost`);
    }
    const id = this.nextId++;
    this.sockets.set(id, socket);
    return { header: { id } };
  }
}
