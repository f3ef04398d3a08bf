/**
 * The client under test: an echo client over the public API. Every text or
 * binary message goes back with the same type and bytes; everything the user
 * would see (open, errors, close) is recorded for the verdict.
 */
import WsLibrary from "ws";
import { WebSocketBase } from "../../modules/api/browser";
import { Client, WebSocketError, type ClientOptions } from "../../node/index";
import { countingRuntime } from "./counting-runtime";
import { viaXs } from "./xs-echo";
import { emptyView, type UserView } from "./user-view";

export { emptyView, type UserView } from "./user-view";


/** "ws-reference": the `ws` npm client, an independent implementation used to check that the verdicts can tell behaviours apart. */
/** "client-fragments": Client with `fragments: true`, echoing each part as it arrives with sendFrame. */
/** "xs": Client on the XS engine (device runtime), echoing on the device — see xs-echo.ts. */
export type ClientApi = "client" | "client-fragments" | "websocket" | "ws-reference" | "xs";


/** Connect an echo client; resolves with what the user saw once onClose fired (or `capMs` passed). */
export function runEchoClient(url: string, options: ClientOptions, api: ClientApi, capMs: number): Promise<UserView> {
  if (api === "ws-reference") return viaWsLibrary(url, capMs);
  if (api === "xs") return viaXs(url, options, emptyView(), capMs);
  if (api === "client-fragments") return viaClient(url, { ...options, fragments: true }, capMs);
  return api === "client" ? viaClient(url, options, capMs) : viaWebSocket(url, options, capMs);
}

function viaClient(url: string, options: ClientOptions, capMs: number): Promise<UserView> {
  const view = emptyView();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(view), capMs);
    // eslint-disable-next-line prefer-const
    let client: Client;
    let inMessage = false;
    client = new Client(countingRuntime(view.reads), url, options, {
      onOpen(info) { view.opened = true; view.protocol = info.protocol; view.order.push("open"); },
      onMessage(data, isBinary) {
        view.messages++;
        view.order.push("message");
        try { client.send(data, isBinary); } catch (e) { view.sendFailures.push(String(e)); }
      },
      onFragment(data, isBinary, final) {
        // Streaming: echo each part at once, as a frame of the same message.
        if (final) { view.messages++; view.order.push("message"); }
        try { client.sendFrame(final, inMessage ? 0 : isBinary ? 2 : 1, data); } catch (e) { view.sendFailures.push(String(e)); }
        inMessage = !final;
      },
      onPing() { view.pings++; view.order.push("ping"); },
      onPong() { view.pongs++; view.order.push("pong"); },
      onError(error: WebSocketError) {
        view.errors.push({ code: error.code, message: error.message, closeCode: error.closeCode });
        view.order.push("error");
      },
      onClose(code, reason, wasClean) {
        view.closes.push({ code, reason, wasClean });
        view.order.push("close");
        clearTimeout(timer);
        // Let anything that would (wrongly) follow the close show up before resolving.
        setTimeout(() => resolve(view), 5);
      },
    });
  });
}

function viaWebSocket(url: string, options: ClientOptions, capMs: number): Promise<UserView> {
  const view = emptyView();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(view), capMs);
    const { protocols, fragments: _ignored, ...rest } = options;
    const ws = new WebSocketBase(countingRuntime(view.reads), url, protocols, rest);
    ws.onopen = () => { view.opened = true; view.protocol = ws.protocol; view.order.push("open"); };
    ws.onmessage = (event) => {
      view.messages++;
      view.order.push("message");
      try { ws.send(event.data); } catch (e) { view.sendFailures.push(String(e)); }
    };
    ws.onerror = (event) => {
      view.errors.push({ code: event.error.code, message: event.message, closeCode: event.error.closeCode });
      view.order.push("error");
    };
    ws.onclose = (event) => {
      view.closes.push({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      view.order.push("close");
      clearTimeout(timer);
      setTimeout(() => resolve(view), 5);
    };
  });
}

function viaWsLibrary(url: string, capMs: number): Promise<UserView> {
  const view = emptyView();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(view), capMs);
    const ws = new WsLibrary(url);
    ws.on("open", () => { view.opened = true; view.order.push("open"); });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      view.messages++;
      view.order.push("message");
      ws.send(data, { binary: isBinary });
    });
    ws.on("error", (e: Error & { code?: string }) => {
      view.errors.push({ code: e.code ?? "", message: e.message, closeCode: undefined });
      view.order.push("error");
    });
    ws.on("close", (code: number, reason: Buffer) => {
      view.closes.push({ code, reason: reason.toString(), wasClean: false });
      view.order.push("close");
      clearTimeout(timer);
      setTimeout(() => resolve(view), 5);
    });
  });
}
