/**
 * The simulator's `wsx-tls` (native/xs/wsx-tls.js on a device): the same
 * object, whose methods, instead of being C functions in this process, are
 * calls into the real C core in the Node parent (tls-bridge.ts over the
 * N-API binding), made synchronously through issueCommand as a native call
 * is. Options cross as a JSON header plus their certificate bytes.
 */
import type { NativeTlsOptions } from "../../../modules/transport/mbedtls-native";
import { request } from "./host";

/** The options the XS binding takes: the transport's own declaration of them. */
export type WsxTlsOptions = NativeTlsOptions;

function bytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`wsx_tls: options.${name} must be a Uint8Array`);
  return value;
}

/** The request for open: plain options in the header, certificate bytes concatenated in the body. */
function openRequest(options: WsxTlsOptions): { header: { [key: string]: unknown }; body: Uint8Array } {
  const parts: Uint8Array[] = [];
  const lengths: { ca?: number[]; chain?: number[]; cert?: number; key?: number } = {};
  const list = (value: unknown, name: "ca" | "chain"): number[] | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw new TypeError(`wsx_tls: options.${name} must be an array of Uint8Array`);
    return value.map((entry, i) => {
      const b = bytes(entry, `${name}[${i}]`);
      parts.push(b);
      return b.length;
    });
  };
  lengths.ca = list(options.ca, "ca");
  lengths.chain = list(options.chain, "chain");
  if (options.cert !== undefined) {
    parts.push(bytes(options.cert, "cert"));
    lengths.cert = options.cert.length;
  }
  if (options.key !== undefined) {
    parts.push(bytes(options.key, "key"));
    lengths.key = options.key.length;
  }
  let total = 0;
  for (const p of parts) total += p.length;
  const body = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  const plain = {
    host: options.host,
    port: options.port,
    secure: options.secure,
    servername: options.servername,
    verify: options.verify,
    insist: options.insist,
    passphrase: options.passphrase,
    readBufferSize: options.readBufferSize,
    maxFragmentLength: options.maxFragmentLength,
  };
  return { header: { op: "tls.open", options: plain, lengths }, body };
}

export class TlsSocket {
  private readonly id: number;

  constructor(options: WsxTlsOptions) {
    const { header, body } = openRequest(options);
    const answer = request(header, body).header;
    if (typeof answer.typeError === "string") throw new TypeError(answer.typeError);
    this.id = Number(answer.id);
  }

  step(): number {
    return this.call("tls.step") as number;
  }

  read(): ArrayBuffer | null {
    const { header, body } = request({ op: "tls.read", id: this.id });
    if (header.none === true) return null;
    // A fresh buffer the caller owns, as the native read gives.
    const copy = new Uint8Array(body.length);
    copy.set(body);
    return copy.buffer;
  }

  write(data: Uint8Array): number {
    return Number(request({ op: "tls.write", id: this.id }, bytes(data, "write")).header.value);
  }

  shutdown(): void {
    this.call("tls.shutdown");
  }

  close(): void {
    this.call("tls.close");
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

  private call(op: string): unknown {
    return request({ op, id: this.id }).header.value;
  }

  private get(name: string): unknown {
    return request({ op: "tls.get", id: this.id, name }).header.value;
  }
}

function mbedtlsVersion(): string {
  return String(request({ op: "tls.version" }).header.value);
}

const native = Object.freeze({
  open(options: WsxTlsOptions): TlsSocket {
    return new TlsSocket(options);
  },
  mbedtlsVersion,
});

export default native;
