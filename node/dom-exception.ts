/**
 * On Node, where DOMException exists, the browser-style WebSocket's
 * SyntaxError / InvalidAccessError / InvalidStateError / NotSupportedError
 * (modules/api/dom-errors.ts) are also `instanceof DOMException`, as a
 * browser's are, and stay `instanceof WebSocketError` with our `code`. Done
 * here, once, so the device code needs neither DOMException nor any cost.
 * Their own `name`, `message` and `code` shadow DOMException's accessors
 * (our `code` is the library's string, not DOMException's legacy number).
 */
import { WebSocketDOMException } from "../modules/api/dom-errors";
import { WebSocketError } from "../modules/core/errors";

Object.setPrototypeOf(WebSocketDOMException.prototype, DOMException.prototype);

// WebSocketDOMException no longer inherits WebSocketError.prototype, so instanceof WebSocketError asks this.
const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];
Object.defineProperty(WebSocketError, Symbol.hasInstance, {
  value(this: unknown, value: unknown): boolean {
    return ordinaryHasInstance.call(this, value) || (this === WebSocketError && ordinaryHasInstance.call(WebSocketDOMException, value));
  },
});
