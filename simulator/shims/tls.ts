/**
 * The simulator's `wsx-tls` (native/xs/wsx-tls.js on a device): the same
 * objects, whose methods, instead of being C functions in this process, are
 * calls into the real C core in the Node parent (tls-bridge.ts over the
 * N-API binding), made synchronously through issueCommand as a native call
 * is. Options cross as a JSON header plus their certificate bytes. The core
 * owns no socket: the ciphertext these objects take and give travels over
 * the simulator's TCP socket, like any other bytes.
 */
import type { NativeTlsHostOptions } from "../../modules/transport/mbedtls-native";
import { request } from "./host";

/** The options the XS binding takes: the TLS layer's own declaration of them. */
export type WsxTlsHostOptions = NativeTlsHostOptions;

function bytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`wsx_tls: ${name} must be a Uint8Array`);
  return value;
}

/** The request for a host: plain options in the header, certificate bytes concatenated in the body. */
function hostRequest(options: WsxTlsHostOptions): { header: { [key: string]: unknown }; body: Uint8Array } {
  const parts: Uint8Array[] = [];
  const lengths: { ca?: number[]; chain?: number[]; cert?: number; key?: number; ip?: number } = {};
  const list = (value: unknown, name: "ca" | "chain"): number[] | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw new TypeError(`wsx_tls: options.${name} must be an array of Uint8Array`);
    return value.map((entry, i) => {
      const b = bytes(entry, `options.${name}[${i}]`);
      parts.push(b);
      return b.length;
    });
  };
  const one = (value: unknown, name: "cert" | "key" | "ip"): void => {
    if (value === undefined || value === null) return;
    const b = bytes(value, `options.${name}`);
    parts.push(b);
    lengths[name] = b.length;
  };
  lengths.ca = list(options.ca, "ca");
  lengths.chain = list(options.chain, "chain");
  one(options.cert, "cert");
  one(options.key, "key");
  one(options.ip, "ip");
  let total = 0;
  for (const p of parts) total += p.length;
  const body = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  const plain = {
    label: options.label,
    servername: options.servername,
    verify: options.verify,
    insist: options.insist,
    passphrase: options.passphrase,
    maxFragmentLength: options.maxFragmentLength,
    resumption: options.resumption,
  };
  return { header: { op: "tls.host", options: plain, lengths }, body };
}

function answerOf(header: { [key: string]: unknown }): number {
  if (typeof header.typeError === "string") throw new TypeError(header.typeError);
  if (typeof header.failed === "string") throw new Error(header.failed);
  return Number(header.id);
}

export class TlsSession {
  private readonly id: number;

  constructor(host: TlsHost) {
    this.id = answerOf(request({ op: "tls.connect", host: host.id }).header);
  }

  input(data: Uint8Array): number {
    return Number(request({ op: "tls.input", id: this.id }, bytes(data, "input(bytes)")).header.value);
  }

  read(): ArrayBuffer | null {
    return this.buffer("tls.read");
  }

  write(data: Uint8Array): number {
    return Number(request({ op: "tls.write", id: this.id }, bytes(data, "write(bytes)")).header.value);
  }

  output(): ArrayBuffer | null {
    return this.buffer("tls.output");
  }

  eof(reset: boolean): void {
    request({ op: "tls.eof", id: this.id, reset: reset === true });
  }

  shutdown(): void {
    request({ op: "tls.shutdown", id: this.id });
  }

  close(): void {
    request({ op: "tls.close", id: this.id });
  }

  get state(): number {
    return this.get("state") as number;
  }

  get failure(): number {
    return this.get("failure") as number;
  }

  get error(): string {
    return this.get("error") as string;
  }

  get mbedtlsError(): number {
    return this.get("mbedtlsError") as number;
  }

  get verifyFlags(): number {
    return this.get("verifyFlags") as number;
  }

  get resumed(): boolean {
    return this.get("resumed") as boolean;
  }

  /** A fresh buffer the caller owns, as the native read() and output() give. */
  private buffer(op: string): ArrayBuffer | null {
    const { header, body } = request({ op, id: this.id });
    if (header.none === true) return null;
    const copy = new Uint8Array(body.length);
    copy.set(body);
    return copy.buffer;
  }

  private get(name: string): unknown {
    return request({ op: "tls.get", id: this.id, name }).header.value;
  }
}

export class TlsHost {
  readonly id: number;

  constructor(options: WsxTlsHostOptions) {
    const { header, body } = hostRequest(options);
    this.id = answerOf(request(header, body).header);
  }

  connect(): TlsSession {
    return new TlsSession(this);
  }

  forget(): void {
    request({ op: "tls.forget", host: this.id });
  }

  close(): void {
    request({ op: "tls.hostClose", host: this.id });
  }

  get error(): string {
    return this.get("error") as string;
  }

  get failure(): number {
    return this.get("failure") as number;
  }

  get hasSession(): boolean {
    return this.get("hasSession") as boolean;
  }

  private get(name: string): unknown {
    return request({ op: "tls.hostGet", host: this.id, name }).header.value;
  }
}

function mbedtlsVersion(): string {
  return String(request({ op: "tls.version" }).header.value);
}

const native = Object.freeze({
  host(options: WsxTlsHostOptions): TlsHost {
    return new TlsHost(options);
  },
  mbedtlsVersion,
});

export default native;
