/**
 * The simulator's legacy `net` module: `Net.resolve(name, callback)` as on a
 * device (asynchronous, callback(name, address | undefined)). The parent
 * resolves only loopback names, since the simulator never leaves 127.0.0.1.
 */
import { onEvent, request } from "./host";

type ResolveCallback = (name: string, address?: string) => void;

const pending = new Map<number, { name: string; callback: ResolveCallback }>();
let nextId = 1;

onEvent("dns", (header) => {
  const id = Number(header.id);
  const entry = pending.get(id);
  if (!entry) return;
  pending.delete(id);
  entry.callback(entry.name, typeof header.address === "string" ? header.address : undefined);
});

export default class Net {
  static resolve(name: string, callback: ResolveCallback): void {
    const id = nextId++;
    pending.set(id, { name: String(name), callback });
    request({ op: "dns.resolve", id, name: String(name) });
  }

  static get(what: string): string | string[] | undefined {
    if (what === "IP") return "127.0.0.1";
    if (what === "DNS") return [];
    return undefined;
  }
}
