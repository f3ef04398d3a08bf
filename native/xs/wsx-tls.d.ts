/**
 * Types of the XS binding (native/xs/wsx-tls.js). The shape is the one
 * modules/transport/mbedtls-native.ts declares (MbedtlsNative); it is repeated
 * here because an ambient module cannot import a relative path.
 */
declare module "wsx-tls" {
  export interface WsxTlsOptions {
    host: string;
    port: number;
    secure: boolean;
    servername?: string;
    verify: boolean;
    insist: boolean;
    ca?: Uint8Array[];
    chain?: Uint8Array[];
    cert?: Uint8Array;
    key?: Uint8Array;
    passphrase?: string;
    readBufferSize?: number;
    maxFragmentLength?: number;
  }
  export class TlsSocket {
    constructor(options: WsxTlsOptions);
    step(): number;
    read(): ArrayBuffer | null;
    write(bytes: Uint8Array): number;
    shutdown(): void;
    /** Frees the connection at once (socket, TLS buffers, certificates); later calls see state CLOSED. */
    close(): void;
    readonly state: number;
    readonly failure: number;
    readonly error: string;
    readonly mbedtlsError: number;
    readonly verifyFlags: number;
  }
  const native: {
    open(options: WsxTlsOptions): TlsSocket;
    mbedtlsVersion(): string;
  };
  export default native;
}
