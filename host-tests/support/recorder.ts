import type { ConnectionEvents, ReadyState } from "../../modules/core/connection";
import type { WebSocketError } from "../../modules/core/errors";

export type Recorded =
  | ["open", string, string]
  | ["message", string | Uint8Array, boolean]
  | ["fragment", string | Uint8Array, boolean, boolean]
  | ["ping", Uint8Array] | ["pong", Uint8Array]
  | ["error", WebSocketError]
  | ["state", ReadyState]
  | ["shutdown", boolean]
  | ["closed", number, string, boolean];

/** Records what the sans-I/O core asks for; `written` collects the bytes it wants sent. */
export class Recorder implements ConnectionEvents {
  events: Recorded[] = [];
  written: Uint8Array[] = [];
  onOutput(bytes: Uint8Array): void { this.written.push(bytes.slice()); }
  onEstablished(protocol: string, extensions: string): void { this.events.push(["open", protocol, extensions]); }
  onMessage(data: string | Uint8Array, binary: boolean): void { this.events.push(["message", typeof data === "string" ? data : data.slice(), binary]); }
  onFragment(data: string | Uint8Array, binary: boolean, final: boolean): void { this.events.push(["fragment", typeof data === "string" ? data : data.slice(), binary, final]); }
  onPing(payload: Uint8Array): void { this.events.push(["ping", payload.slice()]); }
  onPong(payload: Uint8Array): void { this.events.push(["pong", payload.slice()]); }
  onError(error: WebSocketError): void { this.events.push(["error", error]); }
  onStateChange(state: ReadyState): void { this.events.push(["state", state]); }
  onShutdown(graceful: boolean): void { this.events.push(["shutdown", graceful]); }
  onClosed(code: number, reason: string, wasClean: boolean): void { this.events.push(["closed", code, reason, wasClean]); }
  of<K extends Recorded[0]>(kind: K): Extract<Recorded, [K, ...unknown[]]>[] {
    return this.events.filter((e) => e[0] === kind) as Extract<Recorded, [K, ...unknown[]]>[];
  }
  writtenBytes(): Uint8Array { return new Uint8Array(Buffer.concat(this.written.map((w) => Buffer.from(w)))); }
}
