/**
 * `websocket`: seed 000's module (`import ws from "websocket"; ws.connect(url)`).
 * It takes the place of Moddable's own `websocket` module (see manifest.json).
 * A bare import on purpose: XS resolves a relative one against this module's
 * own top-level specifier, which cannot reach websocket-client/.
 */
export * from "websocket-client/device/connect";
export { default } from "websocket-client/device/connect";
