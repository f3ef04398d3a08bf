import { FramedConnection, OPEN, type ConnectionEvents, type FramingOptions } from "./connection";
import { WebSocketError } from "./errors";
import { acceptDeflateOffer, DEFAULT_DEFLATE, type ServerDeflatePolicy } from "./extensions/permessage-deflate";
import type { HeaderList } from "./handshake";
import { HeadParser, asciiBytes } from "./http-head";
import { quotePeer } from "./peer-text";
import {
  acceptResponse,
  checkUpgradeRequest,
  refusalResponse,
  requestFromHead,
  type UpgradeRequest,
} from "./server-handshake";

export const MAX_REQUEST_HEAD = 8192;

/** What the application decides for each upgrade request. */
export interface ServerPolicy {
  /** Pick one of the offered subprotocols, or none (""). */
  selectProtocol?(offered: readonly string[], request: UpgradeRequest): string;
  /** Refuse a connection from this Origin (403) by returning false. */
  checkOrigin?(origin: string | undefined, request: UpgradeRequest): boolean;
  /** Extra headers for the 101 response. */
  responseHeaders?(request: UpgradeRequest): HeaderList;
  /**
   * Accept permessage-deflate offers within these limits (needs
   * FramingOptions.compression); true: within the defaults; absent or false: offers are declined.
   */
  perMessageDeflate?: boolean | ServerDeflatePolicy;
}

/**
 * The server role: reads the client's opening handshake (raw, or already
 * parsed by an HTTP server), answers 101 or a refusal, then frames with the
 * shared core (client frames must be masked; ours are not).
 */
export class ServerConnection extends FramedConnection {
  request: UpgradeRequest | undefined;
  private parser: HeadParser | null = new HeadParser(MAX_REQUEST_HEAD, "request");
  private readonly policy: ServerPolicy;

  constructor(options: FramingOptions, policy: ServerPolicy, events: ConnectionEvents) {
    super("server", options, events);
    this.policy = policy;
  }

  receive(chunk: Uint8Array): void {
    if (this.state !== 0) {
      this.receiveFrames(chunk);
      return;
    }
    if (!this.parser) return;
    let done;
    try {
      done = this.parser.push(chunk);
    } catch (e) {
      const error = e as WebSocketError;
      this.refuse(error.status ?? 400, error.message);
      return;
    }
    if (!done) return;
    this.parser = null;
    const request = requestFromHead(done.head);
    if (!request) {
      this.refuse(400, `malformed request line ${quotePeer(done.head.startLine)}`);
      return;
    }
    this.accept(request, done.rest);
  }

  /** Take a request an HTTP server already parsed (Node's `upgrade` event, Moddable's HTTP server). */
  accept(request: UpgradeRequest, rest?: Uint8Array): void {
    if (this.state !== 0) return;
    this.parser = null;
    this.request = request;
    const check = checkUpgradeRequest(request);
    if (check.ok === false) {
      this.refuse(check.status, check.reason, check.headers);
      return;
    } // narrows without strictNullChecks too
    if (this.policy.checkOrigin && !this.policy.checkOrigin(request.headers.get("origin"), request)) {
      this.refuse(403, "origin not allowed");
      return;
    }
    let protocol = "";
    if (check.protocols.length && this.policy.selectProtocol) {
      protocol = this.policy.selectProtocol(check.protocols, request) ?? "";
      if (protocol && check.protocols.indexOf(protocol) < 0) protocol = "";
    }
    const headers: HeaderList = (this.policy.responseHeaders?.(request) ?? []).slice();
    const deflatePolicy =
      this.policy.perMessageDeflate === true ? DEFAULT_DEFLATE : this.policy.perMessageDeflate || undefined;
    const deflate =
      deflatePolicy && this.options.compression && check.extensions
        ? acceptDeflateOffer(check.extensions, deflatePolicy)
        : undefined;
    if (deflate) headers.push(["Sec-WebSocket-Extensions", deflate.response]);
    this.events.onOutput(asciiBytes(acceptResponse(check.key, protocol, headers)));
    if (deflate && deflatePolicy) this.useDeflate(deflate.agreement, deflatePolicy);
    this.setState(OPEN);
    this.events.onEstablished(protocol, deflate ? deflate.response : "", request.headers);
    if (rest && rest.length && this.state !== 0) this.receiveFrames(rest);
  }

  private refuse(status: number, reason: string, headers?: HeaderList): void {
    this.events.onOutput(asciiBytes(refusalResponse(status, reason, headers)));
    this.abort(
      new WebSocketError("HANDSHAKE_FAILED", `refused upgrade request (${status}): ${reason}`, { status }),
      true,
    );
  }
}
