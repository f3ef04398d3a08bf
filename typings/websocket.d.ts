/**
 * `import ws from "websocket"` for a Moddable app that includes this package's manifest.json.
 *
 * The Moddable SDK's typings declare an ambient module "websocket" (its own WebSocket client), and
 * TypeScript prefers an ambient declaration to any path mapping: once that file is in a program (an
 * editor tsconfig that includes all of the typings does this), `ws.connect()` would not type-check.
 * Ambient declarations of one module name merge, so this one adds seed 000's module (default export,
 * `connect`, the WS_* constants) to it. manifest.json puts this file in the `types` of the tsconfig
 * mcconfig generates; an editor tsconfig lists it in its own `types` (docs/moddable.md).
 */
declare module "websocket" {
  export * from "websocket-client/device/connect";
  export { default } from "websocket-client/device/connect";
}
