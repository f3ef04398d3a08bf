/**
 * Worker side of the simulator: the one channel to the Node parent.
 * Requests go out through xsnap's synchronous `issueCommand`; asynchronous
 * events (timer fired, socket readable...) come in through the global
 * `handleCommand` the parent calls. Bundled into XS: standard ECMAScript only.
 */
import { decodeWire, encodeWire, toArrayBuffer, type WireHeader, type WireMessage } from "./wire";

declare const issueCommand: (message: ArrayBuffer) => ArrayBuffer;

export type EventHandler = (header: WireHeader, body: Uint8Array) => Uint8Array | void;

const handlers: { [type: string]: EventHandler } = {};

/** Ask the parent something and wait for its answer (the worker blocks meanwhile). */
export function request(header: WireHeader, body?: Uint8Array): WireMessage {
  const answer = decodeWire(new Uint8Array(issueCommand(toArrayBuffer(encodeWire(header, body)))));
  if (typeof answer.header.bridgeError === "string") throw new Error(answer.header.bridgeError);
  return answer;
}

export function onEvent(type: string, handler: EventHandler): void {
  handlers[type] = handler;
}

/** Report an exception that would otherwise vanish inside a callback; the parent fails the test with it. */
export function reportUncaught(where: string, error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  request({ op: "uncaught", where, text });
}

function handleCommand(buffer: ArrayBuffer): ArrayBuffer {
  const { header, body } = decodeWire(new Uint8Array(buffer));
  const handler = handlers[String(header.t)];
  if (!handler) {
    reportUncaught("handleCommand", new Error(`no handler for simulator event ${String(header.t)}`));
    return new ArrayBuffer(0);
  }
  try {
    const reply = handler(header, body);
    return reply ? toArrayBuffer(reply) : new ArrayBuffer(0);
  } catch (error) {
    reportUncaught(`event ${String(header.t)}`, error);
    return new ArrayBuffer(0);
  }
}

(globalThis as { handleCommand?: unknown }).handleCommand = handleCommand;
