/**
 * The option table: every option of every API, each with values of the wrong
 * type, NaN, negative, fractional where an integer is meant, past its range,
 * and an unknown name, each with the exact error it must throw; and one valid
 * value that must be accepted. Device-safe (it imports only modules/): the
 * Node test and the XS device entry (fixtures/options-device.ts) run this same
 * table on their own engine against a real server, and the Node side compares.
 */
import { makeConnectModule } from "../../modules/api/connect";
import { WebSocketBase } from "../../modules/api/browser";
import { makeFibjsModule } from "../../modules/api/fibjs";
import { Message } from "../../modules/api/fibjs-message";
import { makeLuatosModule } from "../../modules/api/luatos";
import { BundleTlsProvider } from "../../modules/certs/provider";
import { Client, type ClientListener } from "../../modules/client/client";
import { ReconnectingClient } from "../../modules/reconnecting/reconnecting";
import type { Runtime } from "../../modules/endpoint/runtime";
import { readSettings } from "../../modules/device/settings";
import type { ConnectTarget, Transport } from "../../modules/transport/transport";

const MAX = 2147483647;

/** Something a valid case made, to be closed when the test is done with it. */
export interface Opened {
  close(): void;
}

/** A server entry of this engine (Node: upgrade, createServer; device: listen, the HTTP hand-off). */
export interface ServerEntry {
  api: string;
  /** How its unknown-name error names it. */
  unknownName: string;
  /** Names beyond PeerOptions that it takes. */
  extra: Spec[];
  /** Options every case starts from (the listener's port). */
  base?: Record<string, unknown>;
  make(options: Record<string, unknown>): Opened | undefined;
}

export interface Env {
  /** Counts the transports it makes: a refused option must make none. */
  runtime: Runtime;
  transportsMade(): number;
  /** A URL on the test's server whose path names the case. */
  url(path: string): string;
  servers: ServerEntry[];
  /** A certificate bundle (made by the Node packer) for BundleTlsProvider's valid cases. */
  bundle: Uint8Array;
}

type Kind =
  | { kind: "int"; min: number; max: number }
  | { kind: "ms"; min: number }
  | { kind: "number"; min: number; max: number }
  | { kind: "bool" }
  | { kind: "string" }
  | { kind: "function" }
  /** Values and the exact message each must throw. */
  | { kind: "custom"; bad: [unknown, string][] };

/** One option: its name as the error names it (a dotted path inside the options object), a valid value, its kind. */
export type Spec = { name: string; good: unknown } & Kind;

interface Api {
  api: string;
  /** How the unknown-name error names the options object; absent when the API takes no object. */
  unknownName?: string;
  specs: Spec[];
  /** The options every case starts from. */
  base?: Record<string, unknown>;
  /** A valid case opens a connection to the test server. */
  connects: boolean;
  make(env: Env, options: Record<string, unknown>, path: string): Opened | undefined;
}

/** What a case expects: an exact message, an unknown-name refusal naming exactly these options, or acceptance. */
export type Expected = { message: string } | { unknownOf: string; names: string[] } | { accepted: true; connects: boolean };

export interface Outcome {
  label: string;
  path: string;
  expected: Expected;
  /** null: accepted. */
  error: { code: string | null; name: string; message: string } | null;
  transports: number;
}

/** A value as the errors show it, written out here on its own so the table does not trust the code it tests. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return "an array";
  return "an object";
}

export const int = (name: string, min: number, max: number, good: number): Spec => ({ name, good, kind: "int", min, max });
export const ms = (name: string, min: number, good: number): Spec => ({ name, good, kind: "ms", min });
export const bool = (name: string, good: boolean): Spec => ({ name, good, kind: "bool" });
export const str = (name: string, good: string): Spec => ({ name, good, kind: "string" });
export const fn = (name: string): Spec => ({ name, good: () => undefined, kind: "function" });
export const custom = (name: string, good: unknown, bad: [unknown, string][]): Spec => ({ name, good, kind: "custom", bad });

function rangeText(min: number, max: number): string {
  return max === Infinity ? `${min} or more` : `from ${min} to ${max}`;
}

/** The wrong values of a spec and the message each must throw (`prefix` goes before the name, e.g. the manifest's). */
export function badValues(spec: Spec, prefix = ""): [unknown, string][] {
  const name = prefix + spec.name;
  const say = (accepted: string, values: unknown[]): [unknown, string][] => values.map((v) => [v, `${name} must be ${accepted}, got ${show(v)}`]);
  switch (spec.kind) {
    case "int": {
      const values: unknown[] = ["big", NaN, -1];
      if (spec.min - 1 !== -1) values.push(spec.min - 1);
      values.push(spec.min + 0.5);
      if (spec.max !== Infinity) values.push(spec.max + 1, Infinity);
      return say(`an integer ${rangeText(spec.min, spec.max)}`, values);
    }
    case "ms": {
      const values: unknown[] = ["abc", NaN, -1];
      if (spec.min - 1 !== -1) values.push(spec.min - 1);
      values.push(spec.min + 0.5, MAX + 1, Infinity);
      return say(`an integer number of ms ${rangeText(spec.min, MAX)}`, values);
    }
    case "number":
      return say(`a number ${rangeText(spec.min, spec.max)}`, ["big", NaN, -1, spec.max + 1, Infinity]);
    case "bool":
      return say("true or false", ["yes", 1, null]);
    case "string":
      return say("a string", [5, null]);
    case "function":
      return say("a function", ["f", 5]);
    case "custom":
      return spec.bad.map(([v, message]) => [v, prefix + message]);
  }
}

/** `{ a: { b: value } }` for the path "a.b", over `base`. */
function withValue(base: Record<string, unknown> | undefined, path: string, value: unknown): Record<string, unknown> {
  const options: Record<string, unknown> = { ...base };
  const dot = path.indexOf(".");
  if (dot < 0) options[path] = value;
  else options[path.slice(0, dot)] = withValue(undefined, path.slice(dot + 1), value);
  return options;
}

// ---- the option specs, API by API ----

const CERT = "PEM text or DER bytes (a string or a Uint8Array)";
const TLS_KNOWN = "ca, chain, cert, key, passphrase, verify, insist, servername, resumption";
const DEFLATE_KNOWN = "clientMaxWindowBits, serverMaxWindowBits, clientNoContextTakeover, serverNoContextTakeover, threshold, level, memLevel";

const protocols = custom("protocols", "chat", [
  [5, "protocols must be a string or an array of strings, got 5"],
  [{ chat: true }, "protocols must be a string or an array of strings, got an object"],
]);
const headers = custom("headers", { "X-Case": "1" }, [
  [5, 'headers must be an object or an array of "Name: value" strings, got 5'],
  ["X-A: 1", 'headers must be an object or an array of "Name: value" strings, got "X-A: 1"'],
]);
const tls = custom("tls", { verify: false }, [
  ["tls", 'tls must be an object of options, got "tls"'],
  [[], "tls must be an object of options, got an array"],
  [{ rejectUnauthorized: false }, `tls has no option "rejectUnauthorized" (known: ${TLS_KNOWN})`],
]);
const certificates = custom("certificates", { tlsFor: () => undefined }, [
  ["bundle", 'certificates must be a TLS provider (an object with tlsFor(host), such as a BundleTlsProvider), got "bundle"'],
  [{}, "certificates must be a TLS provider (an object with tlsFor(host), such as a BundleTlsProvider), got an object"],
]);
const perMessageDeflate = custom("perMessageDeflate", true, [
  [7, "perMessageDeflate must be true, false or an object of options, got 7"],
  ["yes", 'perMessageDeflate must be true, false or an object of options, got "yes"'],
  [null, "perMessageDeflate must be true, false or an object of options, got null"],
  [{ windowBits: 10 }, `perMessageDeflate has no option "windowBits" (known: ${DEFLATE_KNOWN})`],
]);
const maxMessageSize = int("maxMessageSize", 1, MAX, 1024);
const maxFragments = int("maxFragments", 1, MAX, 64);
const closeTimeout = ms("closeTimeout", 1, 1000);
const connectTimeout = ms("connectTimeout", 1, 5000);

/** Client's options, top level: what every facade passes on. */
const CLIENT_TOP: Spec[] = [protocols, bool("requireProtocol", true), headers, maxMessageSize, maxFragments, bool("fragments", true), closeTimeout, connectTimeout, tls, certificates, perMessageDeflate];

/** Inside `tls` and `perMessageDeflate`: run through Client only (the facades pass the objects on as they are). */
const CLIENT_NESTED: Spec[] = [
  custom("tls.ca", [], [
    ["pem", `tls.ca must be an array of ${CERT}, got "pem"`],
    [[5], `tls.ca[0] must be ${CERT}, got 5`],
  ]),
  custom("tls.chain", [new Uint8Array(3)], [[{}, `tls.chain must be an array of ${CERT}, got an object`]]),
  custom("tls.cert", "-----BEGIN CERTIFICATE-----", [[5, `tls.cert must be ${CERT}, got 5`], [[], `tls.cert must be ${CERT}, got an array`]]),
  custom("tls.key", new Uint8Array(2), [[true, `tls.key must be ${CERT}, got true`]]),
  str("tls.passphrase", "secret"),
  str("tls.servername", "example.com"),
  bool("tls.verify", false),
  bool("tls.insist", true),
  bool("tls.resumption", false),
  custom("perMessageDeflate.clientMaxWindowBits", 10, [
    [7, "perMessageDeflate.clientMaxWindowBits must be true, false or an integer from 8 to 15, got 7"],
    [16, "perMessageDeflate.clientMaxWindowBits must be true, false or an integer from 8 to 15, got 16"],
    [8.5, "perMessageDeflate.clientMaxWindowBits must be true, false or an integer from 8 to 15, got 8.5"],
    [NaN, "perMessageDeflate.clientMaxWindowBits must be true, false or an integer from 8 to 15, got NaN"],
    ["10", 'perMessageDeflate.clientMaxWindowBits must be true, false or an integer from 8 to 15, got "10"'],
  ]),
  int("perMessageDeflate.serverMaxWindowBits", 8, 15, 12),
  bool("perMessageDeflate.clientNoContextTakeover", true),
  bool("perMessageDeflate.serverNoContextTakeover", true),
  int("perMessageDeflate.threshold", 0, MAX, 0),
  int("perMessageDeflate.level", 0, 9, 1),
  int("perMessageDeflate.memLevel", 1, 9, 8),
];

const RECONNECT_KNOWN = "baseDelay, maxDelay, maxAttempts, resetAfter, onCloseCodes";
const RECONNECT_SPECS: Spec[] = [
  custom("reconnect", false, [
    ["yes", 'reconnect must be true, false or an object of options, got "yes"'],
    [null, "reconnect must be true, false or an object of options, got null"],
    [[], "reconnect must be true, false or an object of options, got an array"],
    [{ retries: 3 }, `reconnect has no option "retries" (known: ${RECONNECT_KNOWN})`],
  ]),
  ms("reconnect.baseDelay", 0, 500),
  ms("reconnect.maxDelay", 0, 5000),
  int("reconnect.maxAttempts", 0, Infinity, 3),
  ms("reconnect.resetAfter", 0, 1000),
  custom("reconnect.onCloseCodes", [1001, 4000], [
    ["1001", 'reconnect.onCloseCodes must be an array of close codes from 1000 to 4999, got "1001"'],
    [[999], "reconnect.onCloseCodes[0] must be an integer from 1000 to 4999, got 999"],
    [[1001, NaN], "reconnect.onCloseCodes[1] must be an integer from 1000 to 4999, got NaN"],
    [[5000], "reconnect.onCloseCodes[0] must be an integer from 1000 to 4999, got 5000"],
  ]),
  ms("keepAlive", 0, 60000),
  ms("keepAliveTimeout", 1, 10000),
  custom("offline", "reject", [
    ["drop", 'offline must be "reject" or { maxBytes }, got "drop"'],
    [5, 'offline must be "reject" or { maxBytes }, got 5'],
    [{ max: 1 }, 'offline has no option "max" (known: maxBytes)'],
  ]),
  int("offline.maxBytes", 0, MAX, 1024),
];

const without = (specs: Spec[], ...names: string[]): Spec[] => specs.filter((s) => names.indexOf(s.name) < 0);

const LISTENER: ClientListener = { onError: () => undefined };

function closer(close: () => void): Opened {
  return { close };
}

const APIS: Api[] = [
  {
    api: "Client", unknownName: "Client options", connects: true,
    specs: [...CLIENT_TOP, ...CLIENT_NESTED],
    make: (env, o, path) => { const c = new Client(env.runtime, env.url(path), o, LISTENER); return closer(() => c.close()); },
  },
  {
    api: "ReconnectingClient", unknownName: "ReconnectingClient options", connects: true,
    specs: [...CLIENT_TOP, ...RECONNECT_SPECS],
    make: (env, o, path) => { const c = new ReconnectingClient(env.runtime, env.url(path), o, LISTENER); return closer(() => c.close()); },
  },
  {
    api: "WebSocket", unknownName: "WebSocket options (the third argument)", connects: true,
    specs: without(CLIENT_TOP, "protocols", "fragments"),
    make: (env, o, path) => { const ws = new WebSocketBase(env.runtime, env.url(path), undefined, o); ws.onerror = () => undefined; return closer(() => ws.close()); },
  },
  {
    // The second argument, where `ws` users put options.
    api: "WebSocket protocols", connects: true,
    specs: [custom("protocols", ["chat"], [
      [{ headers: { "X-A": "1" } }, "new WebSocket(url, protocols, options): protocols must be a string or an array of strings, got an object; " +
        "options go in the third argument, e.g. new WebSocket(url, [], { headers })"],
      [5, "new WebSocket(url, protocols, options): protocols must be a string or an array of strings, got 5; " +
        "options go in the third argument, e.g. new WebSocket(url, [], { headers })"],
    ])],
    make: (env, o, path) => {
      const ws = new WebSocketBase(env.runtime, env.url(path), o.protocols as string[]);
      ws.onerror = () => undefined;
      return closer(() => ws.close());
    },
  },
  {
    api: "connect()", unknownName: "connect() options", connects: true,
    specs: without(CLIENT_TOP, "protocols", "headers"),
    make: (env, o, path) => { const c = makeConnectModule(env.runtime).connect(env.url(path), undefined, undefined, o); c.on("error", () => undefined); return closer(() => c.close()); },
  },
  {
    api: "connect() arguments", connects: true,
    specs: [
      custom("protocols", "chat", [
        [5, "protocols must be a string, an array of strings, or '' for none, got 5"],
        [["chat", 5], "protocols must be a string, an array of strings, or '' for none, got an array"],
      ]),
      custom("extra_header", ["X-Case: 1"], [["X-A: 1", 'extra_header must be an object or an array of "Name: value" strings, got "X-A: 1"']]),
    ],
    make: (env, o, path) => {
      const c = makeConnectModule(env.runtime).connect(env.url(path), o.protocols as string, o.extra_header as string[]);
      c.on("error", () => undefined);
      return closer(() => c.close());
    },
  },
  {
    api: "websocket.new()", unknownName: "websocket.new() options", connects: true,
    specs: [
      ...without(CLIENT_TOP, "tls", "fragments"),
      int("queueLimit", 1, MAX, 4),
      custom("certSource", () => undefined, [
        ["bundle", 'certSource must be a CertificateBundle or a function (name, field) => PEM or DER, got "bundle"'],
        [{}, "certSource must be a CertificateBundle or a function (name, field) => PEM or DER, got an object"],
      ]),
    ],
    make: (env, o, path) => {
      const ws = makeLuatosModule(env.runtime).new(env.url(path), null, o);
      void ws.connect();
      return closer(() => ws.close());
    },
  },
  {
    api: "LuatOS connect(timeout)", connects: true,
    specs: [ms("timeout", 1, 5000)],
    make: (env, o, path) => {
      const ws = makeLuatosModule(env.runtime).new(env.url(path));
      void ws.connect(o.timeout as number);
      return closer(() => ws.close());
    },
  },
  {
    api: "LuatOS start(keepAlive, proc, reconnTime)", connects: true,
    specs: [{ name: "keepAlive (seconds)", good: 30, kind: "number", min: 0, max: 2147483 }, fn("proc"), ms("reconnTime", 0, 1000)],
    make: (env, o, path) => {
      const ws = makeLuatosModule(env.runtime).new(env.url(path));
      void ws.start(o["keepAlive (seconds)"] as number, o.proc as () => void, o.reconnTime as number);
      return closer(() => ws.close());
    },
  },
  {
    api: "ws.Socket", unknownName: "ws.Socket options", connects: true,
    specs: [
      custom("protocol", "chat", [[5, "protocol must be a string or an array of strings, got 5"]]),
      str("origin", "http://127.0.0.1"),
      bool("perMessageDeflate", true),
      int("maxPayload", 1, MAX, 1024),
      custom("headers", { "X-Case": "1" }, [["X-A: 1", 'headers must be an object, got "X-A: 1"'], [[], "headers must be an object, got an array"]]),
      maxFragments, closeTimeout, connectTimeout, tls, certificates, bool("requireProtocol", false),
    ],
    make: (env, o, path) => {
      const s = new (makeFibjsModule(env.runtime).Socket)(env.url(path), o);
      s.on("error", () => undefined);
      return closer(() => s.close());
    },
  },
  {
    api: "ws.Message", connects: false,
    specs: [
      custom("type", 1, [
        [3, "type must be one of 0 (CONTINUE), 1 (TEXT), 2 (BINARY), 8 (CLOSE), 9 (PING), 10 (PONG), got 3"],
        ["1", 'type must be one of 0 (CONTINUE), 1 (TEXT), 2 (BINARY), 8 (CLOSE), 9 (PING), 10 (PONG), got "1"'],
      ]),
      bool("masked", false),
      bool("compress", true),
      int("maxSize", 0, MAX, 16),
    ],
    make: (_env, o) => { new Message(o.type as number, o.masked as boolean, o.compress as boolean, o.maxSize as number); return undefined; },
  },
  {
    api: "BundleTlsProvider", unknownName: "BundleTlsProvider options", connects: false,
    specs: [
      custom("passphrase", "secret", [[5, "passphrase must be a string or a function (domain) => string, got 5"]]),
      bool("insist", true),
      bool("verify", false),
    ],
    make: (env, o) => { new BundleTlsProvider(env.bundle, o); return undefined; },
  },
  {
    api: "config.websocket", unknownName: "manifest config.websocket", connects: false,
    base: { maxMessageSize: 65536, maxFragments: 256, closeTimeout: 5000, connectTimeout: 10000, highWaterMark: 4096, certificates: "websocket-certs.wscb" },
    specs: [
      int("maxMessageSize", 1, MAX, 16384),
      int("maxFragments", 1, MAX, 64),
      int("highWaterMark", 1, MAX, 1024),
      ms("closeTimeout", 1, 2000),
      ms("connectTimeout", 1, 2000),
      custom("certificates", "my-certs.wscb", [[5, "certificates must be a resource name, got 5"], ["", 'certificates must be a resource name, got ""']]),
      custom("perMessageDeflate", { serverMaxWindowBits: 10 }, [
        [7, "perMessageDeflate must be true, false or an object of options, got 7"],
        ["yes", 'perMessageDeflate must be true, false or an object of options, got "yes"'],
        [{ level: 10 }, "perMessageDeflate.level must be an integer from 0 to 9, got 10"],
      ]),
      bool("debug", true),
      bool("tlsResumption", false),
    ],
    make: (_env, o) => { readSettings({ websocket: o }); return undefined; },
  },
];

const POLICY_KNOWN = "selectProtocol, checkOrigin, responseHeaders, perMessageDeflate";

/** PeerOptions: what every server entry takes. */
export const PEER_SPECS: Spec[] = [
  int("maxMessageSize", 1, MAX, 4096),
  int("maxFragments", 1, MAX, 16),
  ms("handshakeTimeout", 1, 2000),
  ms("closeTimeout", 1, 2000),
  ms("idleTimeout", 0, 60000),
  custom("policy", {}, [
    ["open", 'policy must be an object of options, got "open"'],
    [{ checkorigin: () => true }, `policy has no option "checkorigin" (known: ${POLICY_KNOWN})`],
  ]),
  fn("policy.selectProtocol"),
  fn("policy.checkOrigin"),
  fn("policy.responseHeaders"),
  custom("policy.perMessageDeflate", true, [
    [7, "policy.perMessageDeflate must be true, false or an object of options, got 7"],
    [{ clientMaxWindowBits: true }, "policy.perMessageDeflate.clientMaxWindowBits must be an integer from 8 to 15, got true"],
    [{ memLevel: 0 }, "policy.perMessageDeflate.memLevel must be an integer from 1 to 9, got 0"],
  ]),
  int("maxConnections", 1, MAX, 8),
];

/** The top-level option names of a spec list (the first part of each path), in order. */
function topNames(specs: Spec[]): string[] {
  const names: string[] = [];
  for (const spec of specs) {
    const top = spec.name.split(".")[0];
    if (names.indexOf(top) < 0) names.push(top);
  }
  return names;
}

function serverApis(env: Env): Api[] {
  return env.servers.map((entry) => ({
    api: entry.api, unknownName: entry.unknownName, connects: false, base: entry.base,
    specs: [...PEER_SPECS, ...entry.extra],
    make: (_env: Env, o: Record<string, unknown>) => entry.make(o),
  }));
}

/**
 * Runs every case of the table; keeps what valid cases opened in `opened`. Every case gets its own
 * path on the test server (/c<n>), so the server can tell which cases reached it.
 */
export function runTable(env: Env, opened: Opened[]): Outcome[] {
  const outcomes: Outcome[] = [];
  let n = 0;
  const run = (api: Api, label: string, options: Record<string, unknown>, expected: Expected): void => {
    const path = `/c${n++}`;
    const before = env.transportsMade();
    let error: Outcome["error"] = null;
    try {
      const made = api.make(env, options, path);
      if (made) opened.push(made);
    } catch (e) {
      const err = e as { code?: string; name?: string; message?: string };
      error = { code: err.code ?? null, name: err.name ?? "Error", message: String(err.message) };
    }
    outcomes.push({ label, path, expected, error, transports: env.transportsMade() - before });
  };
  for (const api of [...APIS, ...serverApis(env)]) {
    const prefix = api.api === "config.websocket" ? "manifest config.websocket." : "";
    for (const spec of api.specs) {
      for (const [value, message] of badValues(spec, prefix)) {
        run(api, `${api.api}: ${spec.name} = ${show(value)}`, withValue(api.base, spec.name, value), { message });
      }
      run(api, `${api.api}: ${spec.name} = ${show(spec.good)} (valid)`, withValue(api.base, spec.name, spec.good), { accepted: true, connects: api.connects });
    }
    if (api.unknownName) {
      run(api, `${api.api}: unknown maxMessageSise`, withValue(api.base, "maxMessageSise", 1), { unknownOf: api.unknownName, names: topNames(api.specs) });
    }
  }
  return outcomes;
}

/** What is wrong with an outcome, or null when it is what the table expects. */
export function mismatch(outcome: Outcome): string | null {
  const { expected, error } = outcome;
  if ("accepted" in expected) {
    if (error) return `threw ${error.code}: ${error.message}`;
    if (expected.connects && outcome.transports !== 1) return `made ${outcome.transports} transports, not 1`;
    return null;
  }
  if (!error) return "was accepted";
  if (outcome.transports !== 0) return `made ${outcome.transports} transports before refusing`;
  if (error.code !== "INVALID_ARGUMENT") return `threw ${error.code}: ${error.message}`;
  if ("message" in expected) return error.message === expected.message ? null : `message ${JSON.stringify(error.message)}`;
  const match = /^(.*) has no option "maxMessageSise" \(known: (.*)\)$/.exec(error.message);
  if (!match || match[1] !== expected.unknownOf) return `message ${JSON.stringify(error.message)}`;
  const known = match[2].split(", ").sort();
  const names = expected.names.slice().sort();
  return known.join() === names.join() ? null : `knows ${known.join(", ")}; the table has ${names.join(", ")}`;
}

/** A runtime that counts the transports it makes. */
export function countingRuntime(inner: Runtime): { runtime: Runtime; made(): number } {
  let made = 0;
  return {
    runtime: {
      platform: inner.platform,
      createTransport(target: ConnectTarget): Transport {
        made++;
        return inner.createTransport(target);
      },
    },
    made: () => made,
  };
}
