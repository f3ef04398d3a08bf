/**
 * The cases issue 18 reported, on the package's Node entry against real
 * servers: each wrong value now throws INVALID_ARGUMENT naming the option,
 * the value and the range, and nothing reaches the server; the defaults they
 * used to switch off still hold. Also the `ws` habits of issue 19: options in
 * the second argument, `perMessageDeflate: true`.
 */
import { ReconnectingClient, WebSocket, WebSocketError, nodeRuntime, type ReconnectOptions, type WebSocketOptions } from "../../node/index";
import { startWsServer } from "../support/servers";
import { startWitness, until, type Witness } from "./witness";

// A fresh server for each test: what it saw is that test's alone.
let witness: Witness;
beforeEach(async () => { witness = await startWitness(); });
afterEach(() => witness.close());

function refusal(make: () => unknown): WebSocketError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(WebSocketError);
    return error as WebSocketError;
  }
  throw new Error("accepted");
}

/** After the refusals, a valid client on the same server: the server must have seen only it. */
async function onlyValidReached(): Promise<void> {
  const ws = new WebSocket(`${witness.url}/valid`);
  await until(() => witness.paths.includes("/valid"), "the valid client");
  ws.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(witness.paths).toEqual(["/valid"]);
  expect(witness.tcpConnections()).toBe(1);
}

const RANGE_BYTES = "an integer from 1 to 2147483647";
const RANGE_MS = "an integer number of ms from 1 to 2147483647";

test.each<[string, WebSocketOptions, string]>([
  ["maxMessageSize NaN (parseInt of an unset variable)", { maxMessageSize: NaN }, `maxMessageSize must be ${RANGE_BYTES}, got NaN`],
  ['maxMessageSize "big"', { maxMessageSize: "big" as unknown as number }, `maxMessageSize must be ${RANGE_BYTES}, got "big"`],
  ["maxMessageSize -1", { maxMessageSize: -1 }, `maxMessageSize must be ${RANGE_BYTES}, got -1`],
  ["connectTimeout -1", { connectTimeout: -1 }, `connectTimeout must be ${RANGE_MS}, got -1`],
  ['connectTimeout "abc"', { connectTimeout: "abc" as unknown as number }, `connectTimeout must be ${RANGE_MS}, got "abc"`],
  ["closeTimeout NaN", { closeTimeout: NaN }, `closeTimeout must be ${RANGE_MS}, got NaN`],
  ["closeTimeout -5", { closeTimeout: -5 }, `closeTimeout must be ${RANGE_MS}, got -5`],
])("new WebSocket(url, [], { %s }) throws and connects nothing", async (_what, options, message) => {
  const error = refusal(() => new WebSocket(`${witness.url}/refused`, [], options));
  expect(error.code).toBe("INVALID_ARGUMENT");
  expect(error.message).toBe(message);
  await onlyValidReached();
});

test.each<[string, ReconnectOptions, string]>([
  ["connectTimeout -1", { connectTimeout: -1 }, `connectTimeout must be ${RANGE_MS}, got -1`],
  ['maxMessageSize "big"', { maxMessageSize: "big" as unknown as number }, `maxMessageSize must be ${RANGE_BYTES}, got "big"`],
  ["keepAlive -1", { keepAlive: -1 }, "keepAlive must be an integer number of ms from 0 to 2147483647, got -1"],
  ["reconnect.maxDelay NaN", { reconnect: { maxDelay: NaN } }, "reconnect.maxDelay must be an integer number of ms from 0 to 2147483647, got NaN"],
])("ReconnectingClient with %s throws from its constructor (as docs/reconnect.md says) and connects nothing", async (_what, options, message) => {
  const error = refusal(() => new ReconnectingClient(nodeRuntime, `${witness.url}/refused`, options, {}));
  expect(error.code).toBe("INVALID_ARGUMENT");
  expect(error.message).toBe(message);
  await onlyValidReached();
});

test("a misspelt option is refused, naming it and the options there are, instead of keeping the default", () => {
  const error = refusal(() => new WebSocket(`${witness.url}/refused`, [], { maxMesageSize: 1024 } as WebSocketOptions));
  expect(error.code).toBe("INVALID_ARGUMENT");
  expect(error.message).toBe('WebSocket options (the third argument) has no option "maxMesageSize" (known: requireProtocol, headers, maxMessageSize, ' +
    "maxFragments, closeTimeout, connectTimeout, tls, certificates, perMessageDeflate)");
});

test("the default limit still holds: a 20 MiB message fails the connection with 1009 and is not delivered", async () => {
  const server = await startWsServer({}, (peer) => peer.send(Buffer.alloc(20 * 1024 * 1024)));
  try {
    const ws = new WebSocket(server.url);
    const events: string[] = [];
    ws.onmessage = () => events.push("message");
    ws.onerror = (e) => events.push(`error ${e.error.code} ${e.error.closeCode}`);
    const closed = new Promise<number>((resolve) => { ws.onclose = (e) => resolve(e.code); });
    // 1009 goes to the server; the page sees a failed connection, 1006, as WHATWG reports every unclean close.
    expect(await closed).toBe(1006);
    expect(events).toEqual(["error MESSAGE_TOO_BIG 1009"]);
  } finally {
    await server.close();
  }
});

describe("ws habits (issue 19)", () => {
  test("options in the second argument, as ws takes them, throw saying they go in the third; nothing connects", async () => {
    const error = refusal(() => new WebSocket(`${witness.url}/refused`, { headers: { Authorization: "Bearer x" } } as unknown as string[]));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe("new WebSocket(url, protocols, options): protocols must be a string or an array of strings, got an object; " +
      "options go in the third argument, e.g. new WebSocket(url, [], { headers })");
    await onlyValidReached();
    // Where they belong, the header is sent.
    const ws = new WebSocket(`${witness.url}/with-header`, [], { headers: { Authorization: "Bearer x" } });
    await until(() => witness.headers.has("/with-header"), "the header");
    expect(witness.headers.get("/with-header")?.authorization).toBe("Bearer x");
    ws.close();
  });

  test("perMessageDeflate: true offers compression with the defaults, and a compressed echo arrives", async () => {
    const server = await startWsServer({ perMessageDeflate: { threshold: 0 } }, (peer, req) => {
      peer.send(String(req.headers["sec-websocket-extensions"]), { compress: true });
    });
    try {
      const ws = new WebSocket(server.url, [], { perMessageDeflate: true });
      const offer = await new Promise<string>((resolve, reject) => {
        ws.onmessage = (e) => resolve(e.data as string);
        ws.onerror = (e) => reject(e.error);
      });
      expect(offer).toBe("permessage-deflate; client_max_window_bits");
      expect(ws.extensions).toMatch(/^permessage-deflate/);
      ws.close();
    } finally {
      await server.close();
    }
  });
});
