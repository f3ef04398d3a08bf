/**
 * The native object under the mbedTLS transport. Two bindings implement it
 * over the same C core (native/core/wsx_tls.c): the XS one on the device
 * (native/xs) and the N-API one on Node (native/node). Nothing here blocks:
 * the transport calls step() from timers until the state is OPEN.
 */

/** Connection states; the values match WSX_STATE_* in native/core/wsx_tls.h. */
export const NativeState = {
  IDLE: 0,
  CONNECTING: 1,
  HANDSHAKING: 2,
  OPEN: 3,
  CLOSED: 4,
  FAILED: 5,
} as const;

/** step() ORs this into the state when it made progress (step again soon). */
export const STEP_PROGRESS = 0x100;
export const STATE_MASK = 0xff;

/** Failure kinds; the values match WSX_FAIL_* in native/core/wsx_tls.h. */
export const NativeFailure = {
  NONE: 0,
  CONNECT: 1, // name resolution or TCP connect
  TLS: 2,     // handshake or certificate verification
  LOST: 3,    // broke after opening (reset, bad record)
  CONFIG: 4,  // unparsable CA/cert/key, wrong passphrase, missing CA
  MEMORY: 5,
} as const;

export interface NativeTlsOptions {
  host: string;
  port: number;
  /** false: plain TCP, no TLS. */
  secure: boolean;
  /** SNI and the name the certificate must match; "" for none; absent: host. */
  servername?: string;
  verify: boolean;
  insist: boolean;
  /** PEM (ASCII bytes, several certificates allowed) or DER, one per entry. */
  ca?: Uint8Array[];
  chain?: Uint8Array[];
  cert?: Uint8Array;
  key?: Uint8Array;
  passphrase?: string;
  /** Decrypted bytes one read() returns at most; 0: the core's default (WSX_TLS_READ_BUFFER_SIZE). */
  readBufferSize?: number;
  /** 0, 512, 1024, 2048, 4096: RFC 6066 maximum fragment length to ask for. */
  maxFragmentLength?: number;
}

export interface NativeTlsSocket {
  /** Advances connect/handshake; returns the state, ORed with STEP_PROGRESS when something moved. */
  step(): number;
  /** Decrypted bytes (a fresh buffer, owned by the caller), or null when none are ready or the connection ended (see state). */
  read(): ArrayBuffer | null;
  /**
   * Writes up to bytes.length; returns how many were accepted (> 0), 0 when it
   * would block, -1 on failure. After 0, the next write must pass the same bytes.
   */
  write(bytes: Uint8Array): number;
  /** close_notify and TCP half-close; reads continue until the peer ends. */
  shutdown(): void;
  /** Close the socket and free the TLS session now. */
  close(): void;
  readonly state: number;
  readonly failure: number;
  /** What went wrong, in words; "" when nothing did. */
  readonly error: string;
  readonly mbedtlsError: number;
  /** MBEDTLS_X509_BADCERT_* flags of the server's chain (before insist forgave a name mismatch). */
  readonly verifyFlags: number;
}

/** What a binding module provides. */
export interface MbedtlsNative {
  /** Starts connecting at once. Throws only on wrong argument types; other failures show as state FAILED. */
  open(options: NativeTlsOptions): NativeTlsSocket;
}
