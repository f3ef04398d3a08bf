import { createHash, randomFillSync } from "node:crypto";
import { ClientConnection } from "../../modules/core/client-connection";
import { parseUrl } from "../../modules/core/url";
import { Recorder } from "./recorder";

export function acceptOf(key: string): string {
  return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

export function requestKey(request: Uint8Array): string {
  const m = /Sec-WebSocket-Key: (\S+)\r\n/.exec(Buffer.from(request).toString("latin1"));
  if (!m) throw new Error("no key in request");
  return m[1];
}

export function response101(key: string, extra = ""): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptOf(key)}\r\n${extra}\r\n`;
}

/** A sans-I/O client connection that has sent its request (nothing fed back yet). */
export function startCore(options: { protocols?: string[]; maxMessageSize?: number; maxFragments?: number; fragments?: boolean } = {}) {
  const rec = new Recorder();
  const conn = new ClientConnection({
    url: parseUrl("ws://example.com/chat"),
    protocols: options.protocols ?? [],
    headers: [],
    maxMessageSize: options.maxMessageSize ?? 16 * 1024 * 1024,
    maxFragments: options.maxFragments ?? 131072,
    fragments: options.fragments ?? false,
    random: (b) => { randomFillSync(b); },
  }, rec);
  conn.start();
  const key = requestKey(rec.written[0]);
  rec.written = [];
  return { conn, rec, key };
}

/** An OPEN sans-I/O client connection with the recorder cleared. */
export function openCore(options: Parameters<typeof startCore>[0] = {}) {
  const started = startCore(options);
  started.conn.receive(new Uint8Array(Buffer.from(response101(started.key), "latin1")));
  started.rec.events = [];
  return started;
}
