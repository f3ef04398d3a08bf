/**
 * `websocket/connect`: seed 000's module under a name that does not clash with Moddable's `websocket`
 * (manifest_namespaced.json).
 */
export * from "websocket-client/device/connect";
export { default } from "websocket-client/device/connect";
