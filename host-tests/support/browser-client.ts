import { WebSocket, type WebSocketOptions } from "../../node/index";
import type { CloseEvent, ErrorEvent, MessageEvent } from "../../modules/api/events";

export interface Session {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<CloseEvent>;
  messages: (string | ArrayBuffer)[];
  errors: ErrorEvent[];
  order: string[];
  next(): Promise<string | ArrayBuffer>;
}

/** Open a WebSocket and record everything it reports. */
export function session(url: string, protocols?: string | string[], options?: WebSocketOptions): Session {
  const ws = new WebSocket(url, protocols, options);
  const messages: (string | ArrayBuffer)[] = [];
  const errors: ErrorEvent[] = [];
  const order: string[] = [];
  const waiters: ((m: string | ArrayBuffer) => void)[] = [];
  let taken = 0;
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => { order.push("open"); resolve(); });
    ws.addEventListener("close", () => reject(new Error("closed before open")));
  });
  opened.catch(() => {});
  ws.addEventListener("message", (e: MessageEvent) => {
    order.push("message");
    messages.push(e.data);
    const w = waiters.shift();
    if (w) { taken++; w(e.data); }
  });
  ws.addEventListener("error", (e: ErrorEvent) => { order.push("error"); errors.push(e); });
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", (e: CloseEvent) => { order.push("close"); resolve(e); }));
  return {
    ws, opened, closed, messages, errors, order,
    next: () => new Promise((resolve) => {
      if (taken < messages.length) resolve(messages[taken++]);
      else waiters.push(resolve);
    }),
  };
}
