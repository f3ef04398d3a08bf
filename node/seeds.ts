/** The seeds' own APIs bound to Node's net/tls (the device entries bind the same factories to the Moddable runtime). */
import { makeConnectModule, type WebsocketModule } from "../modules/api/connect";
import { makeFibjsModule } from "../modules/api/fibjs";
import { makeLuatosModule, type LuatosModule } from "../modules/api/luatos";
import { fibjsUpgrade } from "./fibjs-upgrade";
import { nodeRuntime } from "./runtime";

/** Seed 000's module object: `websocket.connect(url, protocols?, extra_header?)`. */
export const websocket: WebsocketModule = makeConnectModule(nodeRuntime);

/** Seed 001's LuatOS-style module: `luatos.new(url, cert?)`, `luatos.exit(ws)`. */
export const luatos: LuatosModule = makeLuatosModule(nodeRuntime);

/**
 * Seed 004, fibjs' `ws` module: `new fibjs.Socket(url)`, `fibjs.Message`, the opcode and state constants,
 * and `fibjs.upgrade(accept)` for http.Server's `upgrade` event.
 */
export const fibjs = Object.freeze({ ...makeFibjsModule(nodeRuntime), upgrade: fibjsUpgrade });

/** Detached `connect`, so `require(pkg).connect(...)` works like the seed's `ws.connect(...)`. */
export const connect: WebsocketModule["connect"] = websocket.connect;
export default websocket;
