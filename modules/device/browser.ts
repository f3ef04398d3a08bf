/** The browser-style WebSocket (seed 003) on the device: `import { WebSocket } from "websocket/browser"`. */
import { WebSocketBase, type WebSocketOptions } from "../api/browser";
import { withEntryDefaults } from "../api/options";
import { defaults, runtime } from "./configured";

export class WebSocket extends WebSocketBase {
  constructor(url: string, protocols?: string | string[], options?: WebSocketOptions) {
    super(runtime, url, protocols, withEntryDefaults(defaults, options));
  }
}

export default WebSocket;
