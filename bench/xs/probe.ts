/**
 * The app's listener in the XS bench scripts: one object per connection (a
 * class's instance, its methods shared) rather than a closure per event, so
 * what the app adds stays out of the measured heap as far as it can.
 */
import type { ReconnectListener } from "../../modules/reconnecting/reconnecting";
import type { WebSocketError } from "../../modules/core/errors";
import { post } from "../../simulator/shims/expose";

export class Probe implements ReconnectListener {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
  onOpen(): void {
    post({ type: "open", id: this.id });
  }
  onMessage(data: string | Uint8Array): void {
    post({ type: "message", id: this.id, length: typeof data === "string" ? data.length : data.byteLength });
  }
  onError(error: WebSocketError): void {
    post({ type: "error", id: this.id, code: error.code, message: error.message });
  }
  onClose(code: number): void {
    post({ type: "close", id: this.id, code });
  }
}
