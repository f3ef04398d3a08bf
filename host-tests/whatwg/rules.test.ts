/**
 * WHATWG WebSocket rules the Chromium comparison (chromium-parity.test.ts)
 * cannot show, against a real `ws` server on 127.0.0.1: where this library
 * deliberately departs from a browser (a device has no Blob; a number as
 * protocols is the `ws` habit, refused; the on<event> handler runs first),
 * what the errors are on Node (DOMException and WebSocketError at once), the
 * URL mapping really connecting, listener signals with an AbortSignal and with
 * a device's stand-in, and bufferedAmount against what the server receives.
 */
import { WebSocket } from "../../node/index";
import { WebSocketError } from "../../modules/core/errors";
import { startPeer, type Peer } from "../api/servers";

let peer: Peer;
beforeEach(async () => { peer = await startPeer(); });
afterEach(async () => { await peer.close(); });

function thrown(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error("expected a throw");
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => { ws.onopen = () => resolve(); ws.onerror = (e) => reject(e.error); });
}

function closed(ws: WebSocket): Promise<{ code: number; wasClean: boolean }> {
  return new Promise((resolve) => { ws.onclose = (e) => resolve({ code: e.code, wasClean: e.wasClean }); });
}

describe("the URL", () => {
  test("http: connects as ws:, and url reports the ws: form", async () => {
    const ws = new WebSocket(peer.url.replace("ws:", "http:") + "chat?x=1");
    expect(ws.url).toBe(`${peer.url}chat?x=1`);
    await opened(ws);
    expect(peer.requests[0].url).toBe("/chat?x=1");
    ws.close();
    await closed(ws);
  });

  test("a fragment, user info, or another scheme: SyntaxError with code INVALID_URL, nothing connects", async () => {
    for (const url of [`${peer.url}#frag`, peer.url.replace("ws://", "ws://user:pw@"), peer.url.replace("ws:", "ftp:")]) {
      const e = thrown(() => new WebSocket(url)) as WebSocketError;
      expect([e.name, e.code]).toEqual(["SyntaxError", "INVALID_URL"]);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(peer.requests).toHaveLength(0);
  });
});

describe("errors on Node: the DOMException name, our code, both instanceof", () => {
  test("send() while CONNECTING, close(999), a long reason, a bad protocol", () => {
    const ws = new WebSocket(peer.url);
    const cases: Array<[() => unknown, string, string]> = [
      [() => ws.send("x"), "InvalidStateError", "INVALID_STATE"],
      [() => ws.close(999), "InvalidAccessError", "INVALID_CLOSE_CODE"],
      [() => ws.close(1000, "x".repeat(124)), "SyntaxError", "INVALID_CLOSE_REASON"],
      [() => new WebSocket(peer.url, "a b"), "SyntaxError", "INVALID_PROTOCOL"],
    ];
    for (const [fn, name, code] of cases) {
      const e = thrown(fn) as WebSocketError;
      expect([e.name, e.code, e instanceof DOMException, e instanceof WebSocketError]).toEqual([name, code, true, true]);
    }
    ws.close();
  });

  test("an error that WHATWG does not make a DOMException stays a plain WebSocketError", () => {
    const e = thrown(() => new WebSocket(peer.url, [], { maxMessageSize: -1 })) as WebSocketError;
    expect([e.name, e.code, e instanceof DOMException]).toEqual(["WebSocketError", "INVALID_ARGUMENT", false]);
  });
});

describe("where a device differs, on purpose", () => {
  test("binaryType = \"blob\" throws NotSupportedError (no Blob on a device); another value is ignored", async () => {
    const ws = new WebSocket(peer.url);
    const e = thrown(() => { ws.binaryType = "blob" as "arraybuffer"; }) as WebSocketError;
    expect([e.name, e.code]).toEqual(["NotSupportedError", "INVALID_ARGUMENT"]);
    ws.binaryType = "other" as "arraybuffer";
    expect(ws.binaryType).toBe("arraybuffer");
    ws.close();
  });

  test("send(blob) throws NotSupportedError and sends nothing", async () => {
    const ws = new WebSocket(peer.url);
    await opened(ws);
    const e = thrown(() => ws.send(new Blob(["x"]) as unknown as string)) as WebSocketError;
    expect([e.name, e.code]).toEqual(["NotSupportedError", "INVALID_ARGUMENT"]);
    expect(ws.bufferedAmount).toBe(0);
    ws.close();
    await closed(ws);
    expect(peer.sockets[0].readyState).toBe(3);
  });

  test("a number as protocols throws INVALID_ARGUMENT (browsers send \"7\"; here it is taken for the ws habit of options there)", () => {
    const e = thrown(() => new WebSocket(peer.url, 7 as unknown as string)) as WebSocketError;
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toContain("options go in the third argument");
  });

  test("the on<event> handler runs before the listeners, wherever it was set (the DOM keeps its place)", async () => {
    const ws = new WebSocket(peer.url);
    const order: string[] = [];
    ws.addEventListener("open", () => { order.push("listener"); ws.close(); });
    ws.onopen = () => order.push("handler");
    await closed(ws);
    expect(order).toEqual(["handler", "listener"]);
  });
});

describe("addEventListener's signal", () => {
  test("an aborted AbortSignal adds nothing; aborting later removes the listener", async () => {
    const ws = new WebSocket(peer.url);
    const seen: string[] = [];
    const already = new AbortController();
    already.abort();
    ws.addEventListener("message", () => seen.push("never"), { signal: already.signal });
    const later = new AbortController();
    ws.addEventListener("message", (e) => { seen.push(`until abort ${String(e.data)}`); later.abort(); }, { signal: later.signal });
    ws.addEventListener("message", (e) => { seen.push(`always ${String(e.data)}`); if (e.data === "2") ws.close(); });
    ws.onopen = () => { ws.send("1"); ws.send("2"); };
    await closed(ws);
    expect(seen).toEqual(["until abort 1", "always 1", "always 2"]);
  });

  test("a device's stand-in (any object with aborted and addEventListener) works; anything else is refused", async () => {
    const ws = new WebSocket(peer.url);
    let abort: { handleEvent(): void } | undefined;
    const signal = { aborted: false, addEventListener(_type: "abort", listener: { handleEvent(): void }) { abort = listener; } };
    const seen: string[] = [];
    ws.addEventListener("open", () => seen.push("open"), { signal });
    abort!.handleEvent();
    ws.addEventListener("open", () => { seen.push("other"); ws.close(); });
    await closed(ws);
    expect(seen).toEqual(["other"]);
    const e = thrown(() => ws.addEventListener("open", () => undefined, { signal: {} as AbortSignal })) as WebSocketError;
    expect(e.code).toBe("INVALID_ARGUMENT");
  });
});

describe("bufferedAmount", () => {
  test("counts UTF-8 bytes of data handed to send(), not frame headers, and not the close frame", async () => {
    const ws = new WebSocket(peer.url);
    await opened(ws);
    ws.send("h\u00e9"); // 3 bytes of UTF-8
    ws.send(new Uint8Array(200)); // a 2-byte length field on the wire, not counted
    expect(ws.bufferedAmount).toBe(203);
    ws.close(1000, "bye");
    expect(ws.bufferedAmount).toBeLessThanOrEqual(203);
    await closed(ws);
    expect(ws.bufferedAmount).toBe(0);
    ws.send("late"); // after close: counted, never sent
    expect(ws.bufferedAmount).toBe(4);
  });
});
