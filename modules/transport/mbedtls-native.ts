/**
 * The native objects under the TLS layer (modules/transport/tls.ts). Two
 * bindings implement them over the same C core (native/core/wsx_tls.c): the
 * XS one on the device (native/xs) and the N-API one on Node (native/node).
 * The core owns no socket and no timer: ciphertext goes in and out through
 * these calls, carried by whatever byte transport lies under the TLS layer.
 */

/** Session states; the values match WSX_STATE_* in native/core/wsx_tls.h. */
export const NativeState = Object.freeze({
  HANDSHAKING: 2,
  OPEN: 3,
  CLOSED: 4,
  FAILED: 5,
} as const);

/** Failure kinds; the values match WSX_FAIL_* in native/core/wsx_tls.h. */
export const NativeFailure = Object.freeze({
  NONE: 0,
  TLS: 2, // handshake or certificate verification
  LOST: 3, // broke after opening (reset, bad record)
  CONFIG: 4, // unparsable CA/cert/key, wrong passphrase, missing CA
  MEMORY: 5,
} as const);

/** mbedtlsError of a session whose byte stream ended inside a TLS record (MBEDTLS_ERR_SSL_CONN_EOF). */
export const CUT_RECORD = -0x7280;

/** One server's TLS settings, as the core takes them. */
export interface NativeTlsHostOptions {
  /** "host:port", for messages. */
  label: string;
  /** SNI and the name the certificate must match; absent: none. */
  servername?: string;
  /** The server's address (4 or 16 bytes) when it is known by one: matched against IP subjectAltNames, no SNI. */
  ip?: Uint8Array;
  verify: boolean;
  insist: boolean;
  /** PEM (ASCII bytes, several certificates allowed) or DER, one per entry. */
  ca?: Uint8Array[];
  chain?: Uint8Array[];
  cert?: Uint8Array;
  key?: Uint8Array;
  passphrase?: string;
  /** 0, 512, 1024, 2048, 4096: RFC 6066 maximum fragment length to ask for. */
  maxFragmentLength?: number;
  /** Keep the last session and resume it on the next connection. */
  resumption: boolean;
}

/**
 * One server's settings parsed once (CA, client certificate and key) and its kept session, shared by its connections.
 */
export interface NativeTlsHost {
  /** A new session: its ClientHello waits in output(). Throws when the host failed (see error) or memory ran out. */
  connect(): NativeTlsSession;
  /** Drop the kept session: the next connection makes a full handshake. */
  forget(): void;
  /** Let go of the host now (its open sessions keep what they need). */
  close(): void;
  /** Why the settings cannot be used, in words; "" when they can. */
  readonly error: string;
  readonly failure: number;
  /** A session is kept for resumption. */
  readonly hasSession: boolean;
}

/** One TLS connection over memory. */
export interface NativeTlsSession {
  /**
   * Ciphertext from the server; returns how many bytes were taken (fewer when decrypted bytes wait: read, then give the
   * rest).
   */
  input(bytes: Uint8Array): number;
  /** Decrypted bytes (a fresh buffer, owned by the caller), or null when none wait. */
  read(): ArrayBuffer | null;
  /** Encrypts up to one record; returns the bytes taken (> 0), 0 when none can be now, -1 when not open. */
  write(bytes: Uint8Array): number;
  /** Ciphertext to send (a fresh buffer), or null when none waits. */
  output(): ArrayBuffer | null;
  /** The byte stream under us ended: in order (false) or by a reset (true). */
  eof(reset: boolean): void;
  /** Queue close_notify into output(); writes are refused from now on. */
  shutdown(): void;
  /** Free the session now; later calls see CLOSED with no error. */
  close(): void;
  readonly state: number;
  readonly failure: number;
  /** What went wrong, in words; "" when nothing did. */
  readonly error: string;
  readonly mbedtlsError: number;
  /** MBEDTLS_X509_BADCERT_* flags of the server's chain (before insist forgave a name mismatch). */
  readonly verifyFlags: number;
  /** The handshake resumed a kept session (known when verifying: the server sent no certificate). */
  readonly resumed: boolean;
}

/** What a binding module provides. */
export interface MbedtlsNative {
  /** Parses one server's settings. Throws only on wrong argument types; unusable settings show as `error`. */
  host(options: NativeTlsHostOptions): NativeTlsHost;
}
