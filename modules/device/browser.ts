/** The browser-style WebSocket (seed 003) on the device: `import { WebSocket } from "websocket/browser"`. */
import { WebSocketBase, type WebSocketOptions } from "../api/browser";
import { runtime, withDefaults } from "./configured";

export class WebSocket extends WebSocketBase {
  constructor(url: string, protocols?: string | string[], options?: WebSocketOptions) {
    super(runtime, url, protocols, withDefaults(options));
  }
}

export default WebSocket;
