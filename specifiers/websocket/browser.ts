/**
 * `websocket/browser`: the browser-style WebSocket (seed 003) for apps.
 * A bare import on purpose: XS resolves a relative one against this module's
 * own specifier, which is not under websocket-client/.
 */
export * from "websocket-client/device/browser";
export { default } from "websocket-client/device/browser";
