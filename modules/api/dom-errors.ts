/**
 * Errors of the browser-style WebSocket with the names WHATWG gives them.
 * Where the standard throws a DOMException (SyntaxError, InvalidAccessError,
 * InvalidStateError), ours is a WebSocketError whose `name` is that
 * DOMException name and whose `code` stays ours. XS has no DOMException; on
 * Node the package's entry also makes these `instanceof DOMException`
 * (node/dom-exception.ts), at no cost to the device.
 */
import { WebSocketError, type ErrorCode } from "../core/errors";

/** The DOMException names the browser-style WebSocket throws under. */
export type DOMExceptionName = "SyntaxError" | "InvalidAccessError" | "InvalidStateError" | "NotSupportedError";

export class WebSocketDOMException extends WebSocketError {
  constructor(name: DOMExceptionName, error: WebSocketError) {
    super(error.code, error.message, {
      closeCode: error.closeCode,
      status: error.status,
      cause: (error as { cause?: unknown }).cause,
    });
    Object.defineProperty(this, "name", { value: name, writable: true, configurable: true });
  }
}

/** Which of our codes WHATWG throws as which DOMException (its constructor, close() and send()). */
const DOM_NAMES: { readonly [code in ErrorCode]?: DOMExceptionName } = Object.freeze({
  INVALID_URL: "SyntaxError",
  INVALID_PROTOCOL: "SyntaxError",
  INVALID_CLOSE_REASON: "SyntaxError",
  INVALID_CLOSE_CODE: "InvalidAccessError",
  INVALID_STATE: "InvalidStateError",
});

/** The error a browser-style call throws: `error` under its DOMException name where WHATWG has one, else as it is. */
export function asDOMException(error: unknown): unknown {
  if (!(error instanceof WebSocketError) || error instanceof WebSocketDOMException) return error;
  const name = DOM_NAMES[error.code];
  return name ? new WebSocketDOMException(name, error) : error;
}
