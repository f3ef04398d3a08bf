import { FramedConnection, OPEN, type ConnectionEvents, type FramingOptions } from "./connection";
import {
  acceptDeflateAnswer,
  deflateOffer,
  type DeflateAgreement,
  type PerMessageDeflateOptions,
} from "./extensions/permessage-deflate";
import { WebSocketError } from "./errors";
import { asciiBytes } from "./http-head";
import { ResponseHeadParser, buildClientRequest, checkResponse, type HeaderList } from "./handshake";
import type { WebSocketUrl } from "./url";

/** What the opening handshake needs: dropped once it is over. */
export interface ClientHandshakeOptions {
  url: WebSocketUrl;
  protocols: readonly string[];
  headers: HeaderList;
  /** Offer permessage-deflate with these (validated) options; needs `compression`. */
  perMessageDeflate?: PerMessageDeflateOptions;
  /**
   * With protocols offered, a 101 that selects none fails the handshake, as the WHATWG WebSockets
   * standard's "establish a WebSocket connection" does; RFC 6455 alone lets the server select none.
   */
  requireProtocol?: boolean;
}

export interface ClientConnectionOptions extends FramingOptions, ClientHandshakeOptions {}

/** The opening handshake in progress. */
interface PendingHandshake {
  readonly options: ClientHandshakeOptions;
  /** The Sec-WebSocket-Accept value the server must answer with. */
  accept: string;
  parser: ResponseHeadParser | null;
}

/**
 * The client role: writes the opening handshake, checks the server's answer
 * (which may arrive split anywhere, and may carry the first frames), then
 * hands the byte stream to the framing layer. An open connection keeps
 * nothing of the handshake (the XS heap rule, ARCHITECTURE.md).
 */
export class ClientConnection extends FramedConnection {
  /** null once the handshake is over. */
  private handshake: PendingHandshake | null;

  /**
   * `framing` may be shared by many connections (Client passes one per
   * platform and limits); without it, `options` carries the framing settings too.
   */
  constructor(options: ClientConnectionOptions, events: ConnectionEvents);
  constructor(options: ClientHandshakeOptions, events: ConnectionEvents, framing: FramingOptions);
  constructor(
    options: ClientHandshakeOptions,
    events: ConnectionEvents,
    framing: FramingOptions = options as ClientConnectionOptions,
  ) {
    super("client", framing, events);
    this.handshake = { options, accept: "", parser: null };
  }

  /** The transport is connected: send the opening handshake. */
  start(): void {
    const handshake = this.handshake;
    if (!handshake || handshake.parser) return;
    const nonce = new Uint8Array(16);
    this.options.random(nonce);
    const deflate = this.deflateOptions(handshake);
    const { url, protocols, headers } = handshake.options;
    const request = buildClientRequest(url, nonce, protocols, headers, deflate ? deflateOffer(deflate) : undefined);
    handshake.accept = request.accept;
    handshake.parser = new ResponseHeadParser();
    this.events.onOutput(asciiBytes(request.text));
  }

  /** permessage-deflate is offered only with a compression provider to run it. */
  private deflateOptions(handshake: PendingHandshake): PerMessageDeflateOptions | undefined {
    return this.options.compression ? handshake.options.perMessageDeflate : undefined;
  }

  receive(chunk: Uint8Array): void {
    if (this.state !== 0) {
      this.receiveFrames(chunk);
      return;
    }
    const handshake = this.handshake;
    if (!handshake?.parser) return;
    let done;
    try {
      done = handshake.parser.push(chunk);
    } catch (e) {
      this.handshake = null;
      this.abort(e as WebSocketError);
      return;
    }
    if (!done) return;
    this.handshake = null;
    let negotiated;
    const deflate = this.deflateOptions(handshake);
    let agreement: DeflateAgreement | undefined;
    try {
      negotiated = checkResponse(
        done.response,
        handshake.accept,
        handshake.options.protocols,
        deflate
          ? (header) => {
              agreement = acceptDeflateAnswer(header, deflate);
            }
          : undefined,
      );
    } catch (e) {
      this.abort(e as WebSocketError);
      return;
    }
    const offered = handshake.options.protocols;
    if (negotiated.protocol === "" && offered.length && handshake.options.requireProtocol) {
      this.abort(
        new WebSocketError(
          "HANDSHAKE_FAILED",
          `server selected none of the subprotocols offered (${offered.join(", ")}): its 101 has no ` +
            `Sec-WebSocket-Protocol`,
          { status: 101 },
        ),
      );
      return;
    }
    if (agreement && deflate) this.useDeflate(agreement, deflate);
    this.setState(OPEN);
    this.events.onEstablished(negotiated.protocol, negotiated.extensions, done.response.headers);
    if (done.rest.length && this.state !== 0) this.receiveFrames(done.rest);
  }
}
