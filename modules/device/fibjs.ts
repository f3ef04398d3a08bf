/**
 * Seed 004, fibjs' `ws` module on the device: `import fibjs from "websocket/fibjs"`,
 * then `new fibjs.Socket(url)`, `fibjs.Message` and the opcode and state constants.
 * Limits and the certificate bundle come from the manifest.
 */
import { makeFibjsModule } from "../api/fibjs";
import { makeFibjsUpgrade } from "./fibjs-upgrade";
import { defaults, runtime } from "./configured";

/** `upgrade(accept)` plugs into Moddable's HTTP server (see modules/device/moddable-http.ts). */
export const fibjs = Object.freeze({
  ...makeFibjsModule(runtime, defaults),
  upgrade: makeFibjsUpgrade(runtime.platform, defaults),
});
export default fibjs;
