/**
 * The browser-style WebSocket's shape after its per-socket state was slimmed
 * (XS heap on a device): the ready-state constants live on the class and the
 * prototype, as WebIDL puts them, not on each socket; event listeners work
 * whether or not addEventListener was ever called; the endpoint's events reach
 * both the on<event> handler and the added listeners, against a real ws server.
 */
import { WebSocket } from "../../node/index";
import { startWsServer, type Started } from "../support/servers";
import type { WebSocketServer } from "ws";

let server: Started<WebSocketServer>;
beforeAll(async () => { server = await startWsServer(); });
afterAll(() => server.close());

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => ws.addEventListener("close", () => resolve()));
}

test("CONNECTING..CLOSED are read-only constants of the class and its prototype, not own properties of a socket", async () => {
  const ws = new WebSocket(server.url);
  try {
    expect([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED]).toEqual([0, 1, 2, 3]);
    for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) {
      expect(Object.prototype.hasOwnProperty.call(ws, name)).toBe(false);
      let holder = Object.getPrototypeOf(ws) as object | null; // the first prototype that has it: the shared base's
      while (holder && !Object.prototype.hasOwnProperty.call(holder, name)) holder = Object.getPrototypeOf(holder) as object | null;
      expect(holder).not.toBeNull();
      expect(Object.getOwnPropertyDescriptor(holder!, name)).toMatchObject({ writable: false, enumerable: true, configurable: false });
    }
    expect(() => { (ws as unknown as { OPEN: number }).OPEN = 7; }).toThrow(TypeError);
    expect(ws.OPEN).toBe(1);
    expect(ws.readyState).toBe(ws.CONNECTING);
  } finally {
    ws.close();
  }
});

test("binaryType stays arraybuffer: other values are ignored, blob is refused", async () => {
  const ws = new WebSocket(server.url);
  try {
    ws.binaryType = "nonsense" as "arraybuffer";
    expect(ws.binaryType).toBe("arraybuffer");
    expect(() => { ws.binaryType = "blob" as "arraybuffer"; }).toThrow(/devices have no Blob/);
  } finally {
    ws.close();
  }
});

test("events reach the handler and the added listeners; removing a listener never added is harmless", async () => {
  const ws = new WebSocket(server.url);
  const seen: string[] = [];
  ws.removeEventListener("message", () => {}); // before any listener exists
  ws.onopen = function (this: WebSocket, event) {
    seen.push(`onopen ${event.type} ${this === ws}`);
    ws.send("hello");
  };
  ws.addEventListener("open", (event: { target: unknown }) => seen.push(`listener open ${event.target === ws}`));
  const message = new Promise<string>((resolve) => { ws.onmessage = (event) => resolve(String(event.data)); });
  const once = jestFn();
  ws.addEventListener("message", once.fn, { once: true });
  const done = closed(ws);
  expect(await message).toBe("hello");
  expect(seen).toEqual(["onopen open true", "listener open true"]);
  ws.send("again");
  await new Promise<void>((resolve) => ws.addEventListener("message", () => resolve()));
  expect(once.calls).toBe(1);
  let closeEvent: { code: number; wasClean: boolean } | undefined;
  ws.onclose = (event) => { closeEvent = event; };
  ws.close(1000);
  await done;
  expect(closeEvent).toMatchObject({ code: 1000, wasClean: true });
  expect(ws.readyState).toBe(WebSocket.CLOSED);
});

function jestFn(): { fn: () => void; calls: number } {
  const counter = { calls: 0, fn: () => { counter.calls++; } };
  return counter;
}
