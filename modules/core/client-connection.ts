import { FramedConnection, OPEN, type ConnectionEvents, type FramingOptions } from "./connection";
import { acceptDeflateAnswer, deflateOffer, type DeflateAgreement, type PerMessageDeflateOptions } from "./extensions/permessage-deflate";
import type { WebSocketError } from "./errors";
import { asciiBytes } from "./http-head";
import { ResponseHeadParser, buildClientRequest, checkResponse, type HeaderList } from "./handshake";
import type { WebSocketUrl } from "./url";

export interface ClientConnectionOptions extends FramingOptions {
  url: WebSocketUrl;
  protocols: readonly string[];
  headers: HeaderList;
  /** Offer permessage-deflate with these (validated) options; needs `compression`. */
  perMessageDeflate?: PerMessageDeflateOptions;
}

/**
 * The client role: writes the opening handshake, checks the server's answer
 * (which may arrive split anywhere, and may carry the first frames), then
 * hands the byte stream to the framing layer.
 */
export class ClientConnection extends FramedConnection {
  private readonly url: WebSocketUrl;
  private readonly protocols: readonly string[];
  private readonly headers: HeaderList;
  private parser: ResponseHeadParser | null = null;
  private accept = "";

  constructor(options: ClientConnectionOptions, events: ConnectionEvents) {
    super("client", options, events);
    this.url = options.url;
    this.protocols = options.protocols;
    this.headers = options.headers;
  }

  /** The transport is connected: send the opening handshake. */
  start(): void {
    if (this.parser) return;
    const nonce = new Uint8Array(16);
    this.options.random(nonce);
    const deflate = this.deflateOptions();
    const request = buildClientRequest(this.url, nonce, this.protocols, this.headers, deflate ? deflateOffer(deflate) : undefined);
    this.accept = request.accept;
    this.parser = new ResponseHeadParser();
    this.events.write(asciiBytes(request.text));
  }

  /** permessage-deflate is offered only with a compression provider to run it. */
  private deflateOptions(): PerMessageDeflateOptions | undefined {
    return this.options.compression ? (this.options as ClientConnectionOptions).perMessageDeflate : undefined;
  }

  receive(chunk: Uint8Array): void {
    if (this.state !== 0) { this.receiveFrames(chunk); return; }
    if (!this.parser) return;
    let done;
    try {
      done = this.parser.push(chunk);
    } catch (e) {
      this.abort(e as WebSocketError);
      return;
    }
    if (!done) return;
    this.parser = null;
    let negotiated;
    const deflate = this.deflateOptions();
    let agreement: DeflateAgreement | undefined;
    try {
      negotiated = checkResponse(done.response, this.accept, this.protocols,
        deflate ? (header) => { agreement = acceptDeflateAnswer(header, deflate); } : undefined);
    } catch (e) {
      this.abort(e as WebSocketError);
      return;
    }
    if (agreement && deflate) this.useDeflate(agreement, deflate);
    this.setState(OPEN);
    this.events.open(negotiated.protocol, negotiated.extensions, done.response.headers);
    if (done.rest.length && this.state !== 0) this.receiveFrames(done.rest);
  }
}

