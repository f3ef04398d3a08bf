/** A Client with its events turned into promises, for scripted interop tests. */
import { Client, nodeRuntime, type ClientOptions, type OpenInfo } from "../../node/index";
import type { WebSocketError } from "../../node/index";

export interface Received { data: string | Uint8Array; binary: boolean }

export class Session {
  readonly client: Client;
  readonly opened: Promise<OpenInfo>;
  readonly closed: Promise<{ code: number; reason: string; wasClean: boolean }>;
  readonly errors: WebSocketError[] = [];
  readonly fragments: { data: string | Uint8Array; binary: boolean; final: boolean }[] = [];
  readonly pongs: Uint8Array[] = [];
  private readonly inbox: Received[] = [];
  private readonly wanted: ((m: Received) => void)[] = [];

  constructor(url: string, options: ClientOptions = {}) {
    let open!: (info: OpenInfo) => void;
    let close!: (c: { code: number; reason: string; wasClean: boolean }) => void;
    this.opened = new Promise((r) => { open = r; });
    this.closed = new Promise((r) => { close = r; });
    this.client = new Client(nodeRuntime, url, options, {
      onOpen: open,
      onMessage: (data, binary) => {
        const m = { data: typeof data === "string" ? data : data.slice(), binary };
        const w = this.wanted.shift();
        if (w) w(m); else this.inbox.push(m);
      },
      onFragment: (data, binary, final) => this.fragments.push({ data: typeof data === "string" ? data : data.slice(), binary, final }),
      onPong: (payload) => this.pongs.push(payload.slice()),
      onError: (e) => this.errors.push(e),
      onClose: (code, reason, wasClean) => close({ code, reason, wasClean }),
    });
  }

  next(): Promise<Received> {
    const m = this.inbox.shift();
    return m ? Promise.resolve(m) : new Promise((r) => this.wanted.push(r));
  }
}

/** Deterministic payloads, the same bytes echo_server.py builds for /send and /fragments. */
export function peerPayload(size: number, kind: "text" | "binary"): string | Uint8Array {
  if (kind === "binary") return Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff);
  const unit = Buffer.from("Hello κόσμε ✓ 0123456789 ");
  const bytes = Buffer.alloc(size + unit.length);
  for (let at = 0; at < bytes.length; at += unit.length) unit.copy(bytes, at);
  let cut = size;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--; // back to a character start
  return bytes.subarray(0, cut).toString("utf8") + "*".repeat(size - cut);
}
