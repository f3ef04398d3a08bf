/**
 * `config.websocket.perMessageDeflate` as a device app gets it: the config of
 * our manifests merged the way mcconfig merges them (included manifests
 * first, in order, then the app's own; objects key by key), read by the
 * device settings reader, and the offer that results.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocketError } from "../../modules/core/errors";
import { deflateOffer } from "../../modules/core/extensions/permessage-deflate";
import { DEVICE_DEFLATE_OFFER, readSettings } from "../../modules/device/settings";

const ROOT = join(__dirname, "..", "..");
type Json = Record<string, unknown>;
const manifestConfig = (name: string): Json => (JSON.parse(readFileSync(join(ROOT, name), "utf8")) as { config?: Json }).config ?? {};

function merge(target: Json, source: Json): Json {
  for (const [name, value] of Object.entries(source)) {
    const had = target[name];
    if (had && value && typeof had === "object" && typeof value === "object") merge(had as Json, value as Json);
    else target[name] = value;
  }
  return target;
}

/** An app including manifest.json and then `includes`, with its own config last. */
function appConfig(includes: string[], own: Json = {}): Json {
  const all: Json = {};
  for (const name of ["manifest_namespaced.json", ...includes]) merge(all, structuredClone(manifestConfig(name)));
  return merge(all, own);
}

function refusal(config: Json): WebSocketError {
  try {
    readSettings(config);
  } catch (error) {
    expect(error).toBeInstanceOf(WebSocketError);
    return error as WebSocketError;
  }
  throw new Error("readSettings accepted the config");
}

describe("config.websocket.perMessageDeflate", () => {
  test("off without manifest_deflate.json", () => {
    expect(readSettings(appConfig([])).perMessageDeflate).toBe(false);
  });

  test("manifest_deflate.json turns on the device offer: a 1 KiB server window, no client window offered", () => {
    const settings = readSettings(appConfig(["manifest_deflate.json"]));
    expect(settings.perMessageDeflate).toEqual({ serverMaxWindowBits: 10, clientMaxWindowBits: false });
    expect(deflateOffer(settings.perMessageDeflate as object)).toBe("permessage-deflate; server_max_window_bits=10");
    expect(Object.isFrozen(settings.perMessageDeflate)).toBe(true);
  });

  test("the app's own keys merge over it, key by key", () => {
    const settings = readSettings(appConfig(["manifest_deflate.json"], { websocket: { perMessageDeflate: { serverMaxWindowBits: 12, serverNoContextTakeover: true } } }));
    expect(settings.perMessageDeflate).toEqual({ serverMaxWindowBits: 12, clientMaxWindowBits: false, serverNoContextTakeover: true });
    expect(deflateOffer(settings.perMessageDeflate as object)).toBe("permessage-deflate; server_no_context_takeover; server_max_window_bits=12");
  });

  test("the app turns it off with false, on with true (the device offer), also as mcconfig's command-line strings", () => {
    expect(readSettings(appConfig(["manifest_deflate.json"], { websocket: { perMessageDeflate: false } })).perMessageDeflate).toBe(false);
    expect(readSettings(appConfig([], { websocket: { perMessageDeflate: true } })).perMessageDeflate).toBe(DEVICE_DEFLATE_OFFER);
    expect(readSettings(appConfig([], { websocket: { perMessageDeflate: "true" } })).perMessageDeflate).toBe(DEVICE_DEFLATE_OFFER);
    expect(readSettings(appConfig([], { websocket: { perMessageDeflate: "false" } })).perMessageDeflate).toBe(false);
  });

  test.each([
    [{ serverMaxWindowBits: 20 }, /manifest config\.websocket\.perMessageDeflate\.serverMaxWindowBits must be an integer from 8 to 15, got 20/],
    [{ windowBits: 10 }, /manifest config\.websocket\.perMessageDeflate has no option "windowBits"/],
    [{ clientMaxWindowBits: "small" }, /perMessageDeflate\.clientMaxWindowBits must be true, false or an integer from 8 to 15, got "small"/],
    [7, /manifest config\.websocket\.perMessageDeflate must be true, false or an object of options, got 7/],
    ["yes", /manifest config\.websocket\.perMessageDeflate must be true, false or an object of options, got "yes"/],
  ])("a bad value %j is a build mistake named in the error", (value, message) => {
    const error = refusal(appConfig([], { websocket: { perMessageDeflate: value } }));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(message);
  });
});
