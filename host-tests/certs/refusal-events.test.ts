/**
 * A wss host the certificate bundle cannot serve is reported through the
 * app's handlers, as a failed TLS handshake is: the constructor returns,
 * then one error (CERT_BUNDLE, naming the host) and close 1006, with
 * nothing dialled. A device app that follows the seed examples must not
 * crash on an exception thrown where it created the socket.
 */
import { packFiles } from "../../certs/pack";
import { BundleTlsProvider } from "../../modules/certs/provider";
import { WebSocketBase } from "../../modules/api/browser";
import { Client, WebSocket } from "../../node/index";
import type { Runtime } from "../../modules/endpoint/runtime";
import { nodePlatform } from "../../node/platform";
import { NodeTransport } from "../../node/transport";
import { makePki, type Pki } from "./pki";

let pki: Pki;
let certificates: BundleTlsProvider;
let dialled = 0;
const counting: Runtime = { platform: nodePlatform, createTransport: () => { dialled++; return new NodeTransport(); } };

beforeAll(() => {
  pki = makePki();
  const bytes = new Uint8Array(Buffer.from(pki.pem("ca.pem"), "latin1"));
  certificates = new BundleTlsProvider(packFiles([{ path: "known.test_ca.pem", fileName: "known.test_ca.pem", bytes }]).bundle);
});
afterAll(() => pki?.remove());
beforeEach(() => { dialled = 0; });

test("the browser-style WebSocket: onerror with CERT_BUNDLE, then onclose 1006, nothing dialled", async () => {
  const events: string[] = [];
  const ws = new WebSocketBase(counting, "wss://unknown.test:9/", [], { certificates });
  expect(ws.readyState).toBe(WebSocket.CONNECTING);
  const closed = new Promise<void>((resolve) => {
    ws.onerror = (event) => events.push(`error ${event.error.code}: ${event.error.message}`);
    ws.onclose = (event) => { events.push(`close ${event.code} ${event.wasClean}`); resolve(); };
  });
  await closed;
  expect(events).toEqual([expect.stringMatching(/^error CERT_BUNDLE: .*no entry for host "unknown\.test"/), "close 1006 false"]);
  expect(ws.readyState).toBe(WebSocket.CLOSED);
  expect(dialled).toBe(0);
});

test("closed by the app before the refusal is reported: as any close() while connecting (ABORTED, 1006), and no CERT_BUNDLE after it", async () => {
  const events: string[] = [];
  const done = new Promise<void>((resolve) => {
    const client = new Client(counting, "wss://unknown.test:9/", { certificates }, {
      onError: (error) => events.push(`error ${error.code}`),
      onClose: (code) => { events.push(`close ${code}`); resolve(); },
    });
    client.close();
  });
  await done;
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(events).toEqual(["error ABORTED", "close 1006"]);
  expect(dialled).toBe(0);
});

test("ReconnectingClient: a host the bundle cannot serve is not retried (another attempt could not fix it)", async () => {
  const { ReconnectingClient } = await import("../../node/index");
  const events: string[] = [];
  await new Promise<void>((resolve) => {
    new ReconnectingClient(counting, "wss://unknown.test:9/", { certificates, reconnect: { baseDelay: 10, maxDelay: 10 } }, {
      onError: (error) => events.push(`error ${error.code}`),
      onReconnecting: () => events.push("reconnecting"),
      onClose: (code) => { events.push(`close ${code}`); resolve(); },
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(events).toEqual(["error CERT_BUNDLE", "close 1006"]);
  expect(dialled).toBe(0);
});
