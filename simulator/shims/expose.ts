/**
 * Device-side half of a test harness: functions the Node parent may call by
 * name (event "call"), and a way to post happenings back ("event" requests).
 * A call's last argument may be bytes (sent as the wire body).
 */
import { onEvent, request } from "./host";
import { encodeWire, type WireHeader } from "./wire";

export type Exposed = (args: unknown[], body: Uint8Array | undefined) => unknown;

const exposed: { [name: string]: Exposed } = {};

export function expose(name: string, fn: Exposed): void {
  exposed[name] = fn;
}

/** Post an event to the parent's onHarnessEvent; `bytes` travels as raw body. */
export function post(header: WireHeader, bytes?: Uint8Array): void {
  request({ ...header, op: "event" }, bytes);
}

onEvent("call", (header, body) => {
  const fn = exposed[String(header.name)];
  if (!fn) return encodeWire({ error: `no exposed function ${String(header.name)}` });
  try {
    const result = fn(header.args as unknown[], header.hasBody ? body : undefined);
    if (result instanceof Uint8Array) return encodeWire({ bytes: true }, result);
    return encodeWire({ result: result === undefined ? null : result });
  } catch (error) {
    const e = error as { name?: string; message?: string; code?: string };
    return encodeWire({ error: `${e.name ?? "Error"}: ${e.message ?? String(error)}`, code: e.code ?? null });
  }
});
