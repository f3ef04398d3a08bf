/**
 * Types of the XS binding (native/xs/wsx-tls.js). The shapes are the ones
 * modules/transport/mbedtls-native.ts declares (MbedtlsNative, NativeTlsHost,
 * NativeTlsSession); they are repeated here because an ambient module cannot
 * import a relative path.
 */
declare module "wsx-tls" {
  export interface WsxTlsHostOptions {
    label: string;
    servername?: string;
    ip?: Uint8Array;
    verify: boolean;
    insist: boolean;
    ca?: Uint8Array[];
    chain?: Uint8Array[];
    cert?: Uint8Array;
    key?: Uint8Array;
    passphrase?: string;
    maxFragmentLength?: number;
    resumption: boolean;
  }
  export class TlsSession {
    constructor(host: TlsHost);
    input(bytes: Uint8Array): number;
    read(): ArrayBuffer | null;
    write(bytes: Uint8Array): number;
    output(): ArrayBuffer | null;
    eof(reset: boolean): void;
    shutdown(): void;
    /** Frees the session at once (mbedTLS context and record buffers); later calls see state CLOSED. */
    close(): void;
    readonly state: number;
    readonly failure: number;
    readonly error: string;
    readonly mbedtlsError: number;
    readonly verifyFlags: number;
    readonly resumed: boolean;
  }
  export class TlsHost {
    constructor(options: WsxTlsHostOptions);
    connect(): TlsSession;
    forget(): void;
    /** Lets go of the host's settings at once (its open sessions keep what they need). */
    close(): void;
    readonly error: string;
    readonly failure: number;
    readonly hasSession: boolean;
  }
  const native: {
    host(options: WsxTlsHostOptions): TlsHost;
    mbedtlsVersion(): string;
  };
  export default native;
}
