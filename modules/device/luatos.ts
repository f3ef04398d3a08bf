/**
 * Seed 001's LuatOS-style module on the device: `import luatos from "websocket/luatos"`,
 * then `luatos.new(url, cert?)` and `luatos.exit(ws)` as the seed's `websocket.new`
 * and `websocket.exit`. Limits and the certificate bundle come from the manifest.
 */
import { makeLuatosModule } from "../api/luatos";
import { defaults, runtime } from "./configured";

export const luatos = Object.freeze(makeLuatosModule(runtime, defaults));
export default luatos;
