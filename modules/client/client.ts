import { ClientConnection } from "../core/client-connection";
import { CONNECTING } from "../core/connection";
import { WebSocketError } from "../core/errors";
import { validateHeaders, validateProtocols } from "../core/handshake";
import { parseUrl } from "../core/url";
import type { ConnectTarget, Transport } from "../transport/transport";
import { Endpoint, type ClientListener } from "../endpoint/endpoint";
import { checkClientOptions, type CheckedClientOptions, type ClientOptions } from "./client-options";
import { RefusedTransport } from "./refused-transport";
import { sharedFraming } from "../endpoint/framing";
import type { Runtime } from "../endpoint/runtime";

export type { ClientListener, OpenInfo } from "../endpoint/endpoint";
export { DEFAULTS, type ClientOptions } from "./client-options";

/**
 * The client role: parses and checks its arguments, opens a transport to the
 * URL's host, and runs the opening handshake under a connect timeout. Every
 * public client API is a facade over this class.
 */
export class Client extends Endpoint {
  readonly url: string;
  protected readonly connection: ClientConnection;
  protected readonly transport: Transport;

  constructor(runtime: Runtime, url: string, options: ClientOptions, listener: ClientListener) {
    const parsed = parseUrl(url);
    // Every check comes before the transport is made: a bad option connects nothing.
    const checked = checkClientOptions(options);
    const protocols = validateProtocols(checked.protocols);
    const headers = validateHeaders(checked.headers);
    const deflate = checked.perMessageDeflate;
    if (deflate && !runtime.platform.compression) {
      throw new WebSocketError(
        "INVALID_ARGUMENT",
        "perMessageDeflate needs a platform with a compression provider (Platform.compression)",
      );
    }
    super(runtime.platform, listener, checked.closeTimeout);
    this.url = parsed.href;
    const framing = sharedFraming(runtime.platform, checked.maxMessageSize, checked.maxFragments, checked.fragments);
    this.connection = new ClientConnection(
      { url: parsed, protocols, headers, perMessageDeflate: deflate, requireProtocol: checked.requireProtocol },
      this,
      framing,
    );
    const target: ConnectTarget = { host: parsed.host, port: parsed.port, secure: parsed.secure };
    const refused = parsed.secure ? addTls(target, checked) : undefined;
    this.transport = refused ? new RefusedTransport(runtime.platform, refused) : runtime.createTransport(target);
    const connectTimeout = checked.connectTimeout;
    this.startTimer(connectTimeout, () => {
      if (this.connection.state === CONNECTING) {
        this.connection.abort(
          new WebSocketError("CONNECT_TIMEOUT", `no connection to ${parsed.href} within ${connectTimeout} ms`),
        );
      }
    });
    const debug = runtime.platform.debug;
    if (debug) {
      const tls = target.secure ? (target.tls ? " with TLS" : " with TLS (no settings: the platform's defaults)") : "";
      debug(`${this.url}: connecting to ${target.host}:${target.port}${tls}`);
    }
    this.transport.connect(target, this);
  }

  onOpen(): void {
    if (this.connection.state !== CONNECTING) return;
    const debug = this.platform.debug;
    if (debug) debug(`${this.url}: transport open, sending the opening handshake`);
    this.connection.start();
  }

  protected override debugName(): string {
    return this.url;
  }

  protected closedWhileOpening(cause?: WebSocketError): WebSocketError {
    return new WebSocketError(
      "CONNECTION_FAILED",
      `${this.url}: the connection closed before the opening handshake completed${cause ? ` (${cause.message})` : ""}`,
      cause ? { cause } : undefined,
    );
  }
}

/** TLS settings for a wss target; a host the certificate bundle cannot serve is returned as the refusal. */
function addTls(target: ConnectTarget, options: CheckedClientOptions): WebSocketError | undefined {
  try {
    const tls = options.tls ?? options.certificates?.tlsFor(target.host);
    if (tls) target.tls = tls;
    return undefined;
  } catch (error) {
    if (error instanceof WebSocketError && error.code === "CERT_BUNDLE") return error;
    throw error;
  }
}
