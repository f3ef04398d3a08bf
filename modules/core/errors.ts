/**
 * Every failure the library reports is a WebSocketError with a stable `code`
 * (for programs) and a message that says what was wrong (for people).
 */
export type ErrorCode =
  | "INVALID_URL" // the URL cannot be used (scheme, host, port, fragment, user info)
  | "INVALID_PROTOCOL" // a subprotocol token is malformed or repeated
  | "INVALID_HEADER" // an extra header has a bad name or value, or is reserved
  | "INVALID_ARGUMENT" // a call got an argument of the wrong type or range
  | "INVALID_STATE" // a call that the current readyState does not allow
  | "INVALID_CLOSE_CODE" // close() with a code outside 1000 and 3000-4999
  | "INVALID_CLOSE_REASON" // close() with a reason over 123 UTF-8 bytes
  | "HANDSHAKE_FAILED" // the server's answer to the opening handshake is not acceptable
  | "HANDSHAKE_TOO_LARGE" // the response head exceeded the cap
  | "PROTOCOL_ERROR" // the peer broke RFC 6455 framing rules (close 1002)
  | "INVALID_UTF8" // invalid UTF-8 in a text message or close reason (close 1007)
  | "MESSAGE_TOO_BIG" // a message exceeded maxMessageSize or maxFragments (close 1009)
  | "CONNECTION_FAILED" // the transport could not connect (refused, unreachable, DNS)
  | "CONNECTION_LOST" // the transport went away without a close handshake (close 1006)
  | "CONNECT_TIMEOUT" // TCP, TLS and the opening handshake did not finish in time
  | "CLOSE_TIMEOUT" // the peer did not answer our close frame in time
  | "HEARTBEAT_TIMEOUT" // no answer to a keep-alive ping within its deadline
  | "TLS_ERROR" // certificate verification or the TLS handshake failed
  | "CERT_BUNDLE" // the certificate bundle is corrupt or lacks an entry asked for
  | "SEND_FAILED" // data accepted by send() could not be delivered
  | "ABORTED"; // the user closed the connection before it opened

export class WebSocketError extends Error {
  readonly code: ErrorCode;
  /** Close code sent to (or implied for) the peer, when the error ends the connection. */
  readonly closeCode: number | undefined;
  /** HTTP status of a refused handshake. */
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, details?: { closeCode?: number; status?: number; cause?: unknown }) {
    super(message);
    // Defined, not assigned: on Moddable the Error prototype is frozen, and assigning
    // a property it already has would throw.
    Object.defineProperty(this, "name", { value: "WebSocketError", writable: true, configurable: true });
    this.code = code;
    this.closeCode = details?.closeCode;
    this.status = details?.status;
    if (details && details.cause !== undefined)
      Object.defineProperty(this, "cause", { value: details.cause, writable: true, configurable: true });
  }
}
