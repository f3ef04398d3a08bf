import type { WebSocketError } from "../core/errors";

/** PEM text or DER bytes. */
export type CertData = string | Uint8Array;

/** TLS settings for one connection, already resolved for its host. */
export interface TlsConfig {
  /** Trust anchors to verify the server against. Without any, the connection fails unless `verify` is false. */
  ca?: CertData[];
  /** Intermediate certificates sent with the client certificate. */
  chain?: CertData[];
  /** Client certificate for mutual TLS. */
  cert?: CertData;
  /** Private key of `cert` (PEM may be encrypted; then `passphrase` decrypts it). */
  key?: CertData;
  passphrase?: string;
  /** Verify the server's certificate chain. Default true. */
  verify?: boolean;
  /** Seed 001's `insist`: keep connecting when only the host-name check fails. Unsafe; default false. */
  insist?: boolean;
  /** Host name sent as SNI and checked against the certificate; defaults to the URL host. */
  servername?: string;
  /**
   * Offer the session kept from the last connection to this host, and keep this one's (mbedTLS layer:
   * TLS 1.2 tickets and session IDs, TLS 1.3 tickets). Default true; false: a full handshake every time.
   * Node's own tls (nodeRuntime) does not resume and ignores it.
   */
  resumption?: boolean;
}

export interface ConnectTarget {
  host: string;
  port: number;
  secure: boolean;
  tls?: TlsConfig;
}

/**
 * Callbacks a transport makes. `onClose` is called exactly once, whatever
 * ended the transport (peer, error, our own end()/destroy()), and nothing is
 * called after it.
 */
export interface TransportEvents {
  /** TCP (and TLS, for wss) is established; writes may start. */
  onOpen(): void;
  /** Bytes from the peer. Ownership passes to the receiver: the transport never reuses this memory. */
  onData(chunk: Uint8Array): void;
  /** Everything written so far has been handed to the network. */
  onDrain(): void;
  /** The transport is closed; `error` says why when it was not an orderly close. */
  onClose(error?: WebSocketError): void;
}

/** A connected byte pipe: what an endpoint needs once bytes flow. */
export interface Channel {
  /**
   * Queue bytes for sending. The transport may keep a reference until they
   * are written, so callers must not modify them. Returns false when the
   * transport's buffer is over its high-water mark (wait for onDrain).
   */
  write(bytes: Uint8Array): boolean;
  /** Bytes accepted by write() and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Flush what is queued, then close gracefully (FIN, TLS close_notify). */
  end(): void;
  /** Close now, dropping anything queued. */
  destroy(): void;
  /** Stop delivering onData until resume() (flow control for pull APIs). */
  pause?(): void;
  resume?(): void;
}

/** A channel the client opens itself. */
export interface Transport extends Channel {
  connect(target: ConnectTarget, events: TransportEvents): void;
}

/** A channel a listener accepted (server role): already open, events attached later. */
export interface AcceptedChannel extends Channel {
  attach(events: TransportEvents): void;
}

export type TransportFactory = (target: ConnectTarget) => Transport;

/** Something that knows which TLS settings to use for a host (the certificate bundle is one). */
export interface TlsProvider {
  tlsFor(host: string): TlsConfig | undefined;
}
