/** `websocket/fibjs`: seed 004, fibjs' `ws` module (`new fibjs.Socket(url)`, `fibjs.Message`, constants). */
export * from "websocket-client/device/fibjs";
export { default } from "websocket-client/device/fibjs";
