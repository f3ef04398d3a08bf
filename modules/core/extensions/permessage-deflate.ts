/**
 * permessage-deflate negotiation (RFC 7692 section 7.1): the client's offer,
 * a strict check of the server's answer, and the server's choice among offers.
 */
import { WebSocketError } from "../errors";
import { booleanOption, integerOption, knownOptions, MAX_SIZE, optionError } from "../options";
import { quotePeer } from "../peer-text";
import { parseExtensions, type ExtensionElement } from "./header";

export const PERMESSAGE_DEFLATE = "permessage-deflate";

/** What the user asks for (ClientOptions.perMessageDeflate). */
export interface PerMessageDeflateOptions {
  /**
   * Our compression window, 8-15. A number is offered as client_max_window_bits=N
   * (we promise to use at most that); absent or true offers the parameter
   * without a value (the server may pick any size for us); false leaves it out.
   */
  clientMaxWindowBits?: number | boolean;
  /** Ask the server to compress with a window of at most 2^N bytes (8-15). */
  serverMaxWindowBits?: number;
  /** Promise to compress each message on its own (no context takeover on our side). */
  clientNoContextTakeover?: boolean;
  /** Ask the server to compress each message on its own. */
  serverNoContextTakeover?: boolean;
  /** Messages shorter than this many bytes are sent uncompressed (default 1024). */
  threshold?: number;
  /** zlib compression level 0-9 for what we send (provider default when absent). */
  level?: number;
  /** zlib memLevel 1-9 for what we send: smaller uses less memory (provider default when absent). */
  memLevel?: number;
}

/** What the server decides to accept (server role). */
export interface ServerDeflatePolicy {
  /** Largest window we compress with (8-15); told to the client when it offered a limit or when below 15. */
  serverMaxWindowBits?: number;
  /** Largest window the client may use (8-15); offers that cannot honour it are declined. */
  clientMaxWindowBits?: number;
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  threshold?: number;
  level?: number;
  memLevel?: number;
}

/** The parameters both ends follow after the handshake. */
export interface DeflateAgreement {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** Window the server compresses with (the client inflates with), 8-15. */
  serverMaxWindowBits: number;
  /** Window the client compresses with (the server inflates with), 8-15. */
  clientMaxWindowBits: number;
}

export const DEFAULT_THRESHOLD = 1024;

function isWindowBits(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 8 && value <= 15;
}

const DEFLATE_OPTIONS: readonly string[] = Object.freeze([
  "clientMaxWindowBits",
  "serverMaxWindowBits",
  "clientNoContextTakeover",
  "serverNoContextTakeover",
  "threshold",
  "level",
  "memLevel",
]);

/** `perMessageDeflate: true`, as `ws` takes it: offer (or accept) with the defaults. */
export const DEFAULT_DEFLATE: PerMessageDeflateOptions & ServerDeflatePolicy = Object.freeze({});

/**
 * Check perMessageDeflate options where they enter (client offer or server policy); throws
 * INVALID_ARGUMENT naming the bad field, its value and the accepted range. `true` is the
 * defaults. `name` is how the error names the option (e.g. "policy.perMessageDeflate").
 */
export function validateDeflateOptions(
  options: unknown,
  name = "perMessageDeflate",
  role: "client" | "server" = "client",
): PerMessageDeflateOptions {
  if (options === true) return DEFAULT_DEFLATE;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw optionError(name, options, "true, false or an object of options");
  }
  const o = options as Record<string, unknown>;
  knownOptions(name, o, DEFLATE_OPTIONS);
  const own = o.clientMaxWindowBits;
  // The client may offer the parameter without a value (true) or not at all (false); a server policy is a number.
  if (
    role === "client"
      ? own !== undefined && typeof own !== "boolean" && !isWindowBits(own)
      : own !== undefined && !isWindowBits(own)
  ) {
    throw optionError(
      `${name}.clientMaxWindowBits`,
      own,
      role === "client" ? "true, false or an integer from 8 to 15" : "an integer from 8 to 15",
    );
  }
  integerOption(`${name}.serverMaxWindowBits`, o.serverMaxWindowBits, 8, 15, 15);
  booleanOption(`${name}.clientNoContextTakeover`, o.clientNoContextTakeover, false);
  booleanOption(`${name}.serverNoContextTakeover`, o.serverNoContextTakeover, false);
  integerOption(`${name}.threshold`, o.threshold, 0, MAX_SIZE, DEFAULT_THRESHOLD);
  integerOption(`${name}.level`, o.level, 0, 9, 0);
  integerOption(`${name}.memLevel`, o.memLevel, 1, 9, 1);
  return o as PerMessageDeflateOptions;
}

/** The Sec-WebSocket-Extensions value the client sends. */
export function deflateOffer(options: PerMessageDeflateOptions): string {
  let offer = PERMESSAGE_DEFLATE;
  if (options.clientNoContextTakeover) offer += "; client_no_context_takeover";
  if (options.serverNoContextTakeover) offer += "; server_no_context_takeover";
  if (options.serverMaxWindowBits !== undefined) offer += `; server_max_window_bits=${options.serverMaxWindowBits}`;
  const own = options.clientMaxWindowBits;
  if (typeof own === "number") offer += `; client_max_window_bits=${own}`;
  else if (own !== false) offer += "; client_max_window_bits";
  return offer;
}

type Params = Map<string, string | true>;

const PARAMS = Object.freeze([
  "server_no_context_takeover",
  "client_no_context_takeover",
  "server_max_window_bits",
  "client_max_window_bits",
]);

/** One element's parameters, checked for unknown names, duplicates and value syntax; returns a reason on failure. */
function readParams(element: ExtensionElement): Params | string {
  const params: Params = new Map();
  for (const p of element.params) {
    const name = p.name.toLowerCase();
    if (PARAMS.indexOf(name) < 0) return `unknown parameter "${p.name}"`;
    if (params.has(name)) return `parameter "${name}" appears twice`;
    if (name.endsWith("no_context_takeover")) {
      if (p.value !== true) return `parameter "${name}" takes no value (got ${quotePeer(p.value)})`;
    } else if (p.value !== true && !(/^[1-9][0-9]?$/.test(p.value) && isWindowBits(Number(p.value)))) {
      return `parameter "${name}" must be 8-15 (got ${quotePeer(p.value)})`;
    }
    params.set(name, p.value);
  }
  return params;
}

function failAnswer(header: string, what: string): never {
  throw new WebSocketError(
    "HANDSHAKE_FAILED",
    `server's permessage-deflate answer ${quotePeer(header, 120)} is not acceptable: ${what}`,
    { status: 101 },
  );
}

/**
 * RFC 7692 7.1: check the server's Sec-WebSocket-Extensions against what we
 * offered. Anything we did not offer or allow fails the connection.
 */
export function acceptDeflateAnswer(header: string, options: PerMessageDeflateOptions): DeflateAgreement {
  let elements: ExtensionElement[];
  try {
    elements = parseExtensions(header);
  } catch (e) {
    const error = e as WebSocketError;
    throw new WebSocketError("HANDSHAKE_FAILED", error.message, { status: 101 });
  }
  for (const e of elements) {
    if (e.name.toLowerCase() !== PERMESSAGE_DEFLATE) failAnswer(header, `extension "${e.name}" was not offered`);
  }
  if (elements.length > 1) failAnswer(header, "permessage-deflate is accepted more than once");
  const params = readParams(elements[0]);
  if (typeof params === "string") failAnswer(header, params);

  const serverBits = params.get("server_max_window_bits");
  if (serverBits === true) failAnswer(header, "server_max_window_bits needs a value in a response");
  if (options.serverMaxWindowBits !== undefined) {
    if (serverBits === undefined)
      failAnswer(header, `server_max_window_bits=${options.serverMaxWindowBits} was offered but not confirmed`);
    if (Number(serverBits) > options.serverMaxWindowBits) {
      failAnswer(
        header,
        `server_max_window_bits=${serverBits} is larger than the ${options.serverMaxWindowBits} offered`,
      );
    }
  }
  if (options.serverNoContextTakeover && !params.has("server_no_context_takeover")) {
    failAnswer(header, "server_no_context_takeover was offered but not confirmed");
  }

  const clientBits = params.get("client_max_window_bits");
  const own = options.clientMaxWindowBits;
  let ownBits = typeof own === "number" ? own : 15;
  if (clientBits !== undefined) {
    if (own === false) failAnswer(header, "client_max_window_bits was not offered");
    if (clientBits === true) failAnswer(header, "client_max_window_bits needs a value in a response");
    if (Number(clientBits) > ownBits)
      failAnswer(header, `client_max_window_bits=${clientBits} is larger than the ${ownBits} offered`);
    ownBits = Number(clientBits);
  }
  return {
    serverNoContextTakeover: params.has("server_no_context_takeover"),
    // The server may ask this even when we did not offer it (RFC 7692 7.1.1.2).
    clientNoContextTakeover: params.has("client_no_context_takeover") || options.clientNoContextTakeover === true,
    serverMaxWindowBits: serverBits === undefined ? 15 : Number(serverBits),
    clientMaxWindowBits: ownBits,
  };
}

/**
 * Server role: take the first permessage-deflate offer the policy can honour.
 * Returns the response element and the agreement, or undefined (decline:
 * the connection goes ahead uncompressed). Malformed offers are declined too.
 */
export function acceptDeflateOffer(
  header: string,
  policy: ServerDeflatePolicy,
): { response: string; agreement: DeflateAgreement } | undefined {
  let elements: ExtensionElement[];
  try {
    elements = parseExtensions(header);
  } catch {
    return undefined;
  }
  for (const element of elements) {
    if (element.name.toLowerCase() !== PERMESSAGE_DEFLATE) continue;
    const params = readParams(element);
    if (typeof params === "string") continue;
    const offeredServerBits = params.get("server_max_window_bits");
    if (offeredServerBits === true) continue; // a value is required in an offer too
    const offeredClientBits = params.get("client_max_window_bits");
    if (policy.clientMaxWindowBits !== undefined && policy.clientMaxWindowBits < 15 && offeredClientBits === undefined)
      continue;

    let response = PERMESSAGE_DEFLATE;
    const serverNoContext = params.has("server_no_context_takeover") || policy.serverNoContextTakeover === true;
    const clientNoContext = params.has("client_no_context_takeover") || policy.clientNoContextTakeover === true;
    if (serverNoContext) response += "; server_no_context_takeover";
    if (clientNoContext) response += "; client_no_context_takeover";

    let serverBits = policy.serverMaxWindowBits ?? 15;
    if (offeredServerBits !== undefined) serverBits = Math.min(serverBits, Number(offeredServerBits));
    if (offeredServerBits !== undefined || serverBits < 15) response += `; server_max_window_bits=${serverBits}`;

    let clientBits = offeredClientBits === undefined || offeredClientBits === true ? 15 : Number(offeredClientBits);
    if (
      offeredClientBits !== undefined &&
      policy.clientMaxWindowBits !== undefined &&
      policy.clientMaxWindowBits < clientBits
    ) {
      clientBits = policy.clientMaxWindowBits;
      response += `; client_max_window_bits=${clientBits}`;
    }
    return {
      response,
      agreement: {
        serverNoContextTakeover: serverNoContext,
        clientNoContextTakeover: clientNoContext,
        serverMaxWindowBits: serverBits,
        clientMaxWindowBits: clientBits,
      },
    };
  }
  return undefined;
}
