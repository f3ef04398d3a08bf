/** Peers that test our server role: the `ws` client, and raw TCP for hand-written requests. */
import * as net from "node:net";
import WsClient from "ws";

/** A `ws` client that queues what it receives; `next()` takes messages in order. */
export function wsClient(url: string, protocols?: string[]) {
  const c = new WsClient(url, protocols);
  const messages: (Buffer | string)[] = [];
  const waiters: ((m: Buffer | string) => void)[] = [];
  c.on("message", (d: Buffer, bin: boolean) => {
    const m = bin ? d : d.toString();
    const w = waiters.shift();
    if (w) w(m); else messages.push(m);
  });
  return {
    c,
    open: new Promise<void>((r, j) => { c.once("open", () => r()); c.once("error", j); }),
    closed: new Promise<[number, string]>((r) => c.once("close", (code: number, reason: Buffer) => r([code, reason.toString()]))),
    next: () => new Promise<Buffer | string>((r) => { const m = messages.shift(); if (m !== undefined) r(m); else waiters.push(r); }),
  };
}

/** Send raw bytes to a server and collect its answer until it closes. */
export function raw(port: number, bytes: string | Uint8Array): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(bytes));
    const got: Buffer[] = [];
    s.on("data", (d) => got.push(d));
    s.on("error", () => {});
    s.on("close", () => resolve(Buffer.concat(got)));
  });
}

export const SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
