/**
 * Seed 004, fibjs' `ws` module (client side) on the device: `import fibjs from "websocket/fibjs"`,
 * then `new fibjs.Socket(url)`, `fibjs.Message` and the opcode and state constants.
 * Limits and the certificate bundle come from the manifest.
 */
import { makeFibjsModule } from "../api/fibjs";
import { defaults, runtime } from "./configured";

export const fibjs = Object.freeze(makeFibjsModule(runtime, defaults));
export default fibjs;
