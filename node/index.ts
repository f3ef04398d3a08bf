/**
 * The package's Node entry: the same modules as the device, bound to Node's net/tls.
 * One shape in ESM and CommonJS: the default export is seed 000's module object (`ws.connect(url)`,
 * its WS_* constants), as `import ws from "websocket"` is on a device; everything else is a named export.
 */
import { WebSocketBase, type WebSocketOptions } from "../modules/api/browser";
import { nodeRuntime } from "./runtime";
import { websocket } from "./seeds";
import "./dom-exception";

export class WebSocket extends WebSocketBase {
  constructor(url: string, protocols?: string | string[], options?: WebSocketOptions) {
    super(nodeRuntime, url, protocols, options);
  }
}

export { Client, DEFAULTS, type ClientOptions, type ClientListener, type OpenInfo } from "../modules/client/client";
export type { Runtime } from "../modules/endpoint/runtime";
export { WebSocketError, type ErrorCode } from "../modules/core/errors";
export { CloseEvent, ErrorEvent, MessageEvent, WsEvent } from "../modules/api/events";
export type { WebSocketOptions } from "../modules/api/browser";
export type { TlsConfig, TlsProvider, Transport, TransportEvents, ConnectTarget } from "../modules/transport/transport";
export type { Platform } from "../modules/platform/platform";
export { ReconnectingClient, RECONNECT_DEFAULTS, type ReconnectOptions, type ReconnectListener } from "../modules/reconnecting/reconnecting";
export { CertificateBundle, BundleTlsProvider, tlsFromSeed001, type BundleTlsOptions, type Seed001CertTable } from "../modules/certs/index";
export { ServerSocket } from "../modules/api/server-socket";
export { upgrade, createServer, type UpgradeOptions, type Accept } from "./server";
export { fibjsUpgrade } from "./fibjs-upgrade";
export { FibjsServerSocket } from "../modules/api/fibjs-server-socket";
export type { ServerSocketClass } from "../modules/api/server-socket";
export type { ServerPolicy } from "../modules/core/server-connection";
export type { UpgradeRequest } from "../modules/core/server-handshake";
export { websocket, connect, luatos, fibjs } from "./seeds";
export { WS_CONNECTING, WS_CONNECTED, WS_DISCONNECTING, WS_DISCONNECT, WS_CONN_ERR, WS_SEND_DATA_ERR, WS_RECV_DATA_ERR, WS_STATE_NAMES } from "../modules/api/connect";
export { nodeRuntime } from "./runtime";
export { nodePlatform } from "./platform";
export { nodeCompression } from "./deflate";
export { NodeTransport } from "./transport";
export { mbedtlsRuntime, type MbedtlsRuntimeOptions } from "./mbedtls";
export type { WebsocketModule, WsClient, WsMessage, WsOpenOption, WsCloseOption, WsErrorOption, WsEventMap, ConnectOptions, ExtraHeader } from "../modules/api/connect";
export type { LuatosModule, LuatosWebSocket, LuatosOptions, LuatosCert, LuatosState, LuatosMessage, RecvResult } from "../modules/api/luatos";
export type { FibjsModule, Socket as FibjsSocket, SocketOptions as FibjsSocketOptions, SocketMessageEvent as FibjsMessageEvent } from "../modules/api/fibjs";
export default websocket;
