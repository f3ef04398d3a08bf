/**
 * Seed 000's `websocket` module on the device: `import ws from "websocket"`,
 * then `ws.connect(url, protocols?, extra_header?)`; `connect` is also a
 * named export. Limits and the certificate bundle come from the manifest.
 */
import { makeConnectModule } from "../api/connect";
import { defaults, runtime } from "./configured";

export const websocket = Object.freeze(makeConnectModule(runtime, defaults));
export const connect = websocket.connect;
export {
  WS_CONNECTING,
  WS_CONNECTED,
  WS_DISCONNECTING,
  WS_DISCONNECT,
  WS_CONN_ERR,
  WS_SEND_DATA_ERR,
  WS_RECV_DATA_ERR,
} from "../api/connect";
export default websocket;
