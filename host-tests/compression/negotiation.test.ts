/**
 * RFC 7692 7.1 negotiation: the offer we build, the strict check of the
 * server's answer, and the server role's choice among offers.
 */
import { WebSocketError } from "../../modules/core/errors";
import { parseExtensions } from "../../modules/core/extensions/header";
import {
  acceptDeflateAnswer, acceptDeflateOffer, deflateOffer, validateDeflateOptions, type PerMessageDeflateOptions,
} from "../../modules/core/extensions/permessage-deflate";

function thrown(f: () => unknown): WebSocketError | undefined {
  try { f(); } catch (e) { return e as WebSocketError; }
  return undefined;
}

describe("the client's offer", () => {
  test.each<[PerMessageDeflateOptions, string]>([
    [{}, "permessage-deflate; client_max_window_bits"],
    [{ clientMaxWindowBits: false }, "permessage-deflate"],
    [{ clientMaxWindowBits: 10 }, "permessage-deflate; client_max_window_bits=10"],
    [{ serverMaxWindowBits: 9, serverNoContextTakeover: true, clientNoContextTakeover: true },
      "permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits"],
  ])("%j offers %s", (options, offer) => {
    expect(deflateOffer(options)).toBe(offer);
  });

  test.each<[unknown, RegExp]>([
    [{ clientMaxWindowBits: 7 }, /perMessageDeflate\.clientMaxWindowBits must be true, false or an integer from 8 to 15, got 7/],
    [{ clientMaxWindowBits: 16 }, /clientMaxWindowBits must be true, false or an integer from 8 to 15, got 16/],
    [{ serverMaxWindowBits: 8.5 }, /serverMaxWindowBits must be an integer from 8 to 15/],
    [{ serverNoContextTakeover: "yes" }, /serverNoContextTakeover must be true or false, got "yes"/],
    [{ threshold: -1 }, /threshold must be an integer/],
    [{ level: 10 }, /level must be an integer from 0 to 9/],
    [{ windowBits: 10 }, /no option "windowBits"/],
    [7, /perMessageDeflate must be true, false or an object of options, got 7/],
    [null, /perMessageDeflate must be true, false or an object of options, got null/],
  ])("options %j are refused", (options, message) => {
    const error = thrown(() => validateDeflateOptions(options));
    expect(error?.code).toBe("INVALID_ARGUMENT");
    expect(error?.message).toMatch(message);
  });
});

test("true (as ws takes it) is the default offer", () => {
  expect(validateDeflateOptions(true)).toEqual({});
  expect(deflateOffer(validateDeflateOptions(true))).toBe("permessage-deflate; client_max_window_bits");
});

describe("the server's answer", () => {
  test.each<[PerMessageDeflateOptions, string, object]>([
    [{}, "permessage-deflate", { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 }],
    [{}, "permessage-deflate; client_max_window_bits=9", { clientMaxWindowBits: 9 }],
    [{}, "PerMessage-Deflate; Server_No_Context_Takeover", { serverNoContextTakeover: true }],
    [{}, "permessage-deflate; server_max_window_bits=10", { serverMaxWindowBits: 10 }],
    [{}, "permessage-deflate; client_no_context_takeover", { clientNoContextTakeover: true }],
    [{ clientMaxWindowBits: 12 }, "permessage-deflate", { clientMaxWindowBits: 12 }],
    [{ clientMaxWindowBits: 12 }, "permessage-deflate; client_max_window_bits=\"11\"", { clientMaxWindowBits: 11 }],
    [{ serverMaxWindowBits: 12 }, "permessage-deflate;server_max_window_bits=8", { serverMaxWindowBits: 8 }],
    [{ serverNoContextTakeover: true }, "permessage-deflate; server_no_context_takeover", { serverNoContextTakeover: true }],
    [{ clientNoContextTakeover: true }, "permessage-deflate", { clientNoContextTakeover: true }],
  ])("%j with answer %s agrees %j", (options, answer, expected) => {
    expect(acceptDeflateAnswer(answer, options)).toMatchObject(expected);
  });

  test.each<[PerMessageDeflateOptions, string, RegExp]>([
    [{}, "x-webkit-deflate-frame", /extension "x-webkit-deflate-frame" was not offered/],
    [{}, "permessage-deflate, permessage-deflate", /accepted more than once/],
    [{}, "permessage-deflate; foo", /unknown parameter "foo"/],
    [{}, "permessage-deflate; server_no_context_takeover; server_no_context_takeover", /"server_no_context_takeover" appears twice/],
    [{}, "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10", /appears twice/],
    [{}, "permessage-deflate; server_max_window_bits=7", /must be 8-15 \(got "7"\)/],
    [{}, "permessage-deflate; server_max_window_bits=16", /must be 8-15/],
    [{}, "permessage-deflate; server_max_window_bits=08", /must be 8-15 \(got "08"\)/],
    [{}, "permessage-deflate; server_max_window_bits", /server_max_window_bits needs a value/],
    [{}, "permessage-deflate; client_max_window_bits", /client_max_window_bits needs a value/],
    [{}, "permessage-deflate; server_no_context_takeover=1", /takes no value/],
    [{ clientMaxWindowBits: false }, "permessage-deflate; client_max_window_bits=10", /client_max_window_bits was not offered/],
    [{ clientMaxWindowBits: 10 }, "permessage-deflate; client_max_window_bits=11", /client_max_window_bits=11 is larger than the 10 offered/],
    [{ serverMaxWindowBits: 10 }, "permessage-deflate", /server_max_window_bits=10 was offered but not confirmed/],
    [{ serverMaxWindowBits: 10 }, "permessage-deflate; server_max_window_bits=12", /larger than the 10 offered/],
    [{ serverNoContextTakeover: true }, "permessage-deflate", /server_no_context_takeover was offered but not confirmed/],
    [{}, "permessage-deflate; =1", /expected a parameter name/],
    [{}, "permessage-deflate; client_max_window_bits=\"1 0\"", /is not a token/],
    [{}, "permessage-deflate; client_max_window_bits=\"10", /unterminated quoted-string/],
  ])("%j with answer %s fails the handshake", (options, answer, message) => {
    const error = thrown(() => acceptDeflateAnswer(answer, options));
    expect(error?.code).toBe("HANDSHAKE_FAILED");
    expect(error?.message).toMatch(message);
  });
});

describe("the extensions header grammar", () => {
  test("several extensions, parameters with token and quoted values, empty list elements", () => {
    expect(parseExtensions(" a ; x=1 ;y=\"two\" , ,b;z")).toEqual([
      { name: "a", params: [{ name: "x", value: "1" }, { name: "y", value: "two" }] },
      { name: "b", params: [{ name: "z", value: true }] },
    ]);
  });
});

describe("the server's choice among offers", () => {
  test.each<[string, object, string | undefined, object | null]>([
    ["permessage-deflate", {}, "permessage-deflate", null],
    ["permessage-deflate; client_max_window_bits", { clientMaxWindowBits: 10 }, "permessage-deflate; client_max_window_bits=10", { clientMaxWindowBits: 10 }],
    ["permessage-deflate", { clientMaxWindowBits: 10 }, undefined, null],
    ["permessage-deflate; server_max_window_bits=9", {}, "permessage-deflate; server_max_window_bits=9", { serverMaxWindowBits: 9 }],
    ["permessage-deflate; server_max_window_bits=12", { serverMaxWindowBits: 10 }, "permessage-deflate; server_max_window_bits=10", null],
    ["permessage-deflate", { serverMaxWindowBits: 11 }, "permessage-deflate; server_max_window_bits=11", null],
    ["permessage-deflate; client_no_context_takeover", { serverNoContextTakeover: true },
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover", { serverNoContextTakeover: true, clientNoContextTakeover: true }],
    ["permessage-deflate; foo, permessage-deflate; client_max_window_bits=9", {}, "permessage-deflate", { clientMaxWindowBits: 9 }],
    ["x-other, permessage-deflate", {}, "permessage-deflate", null],
    ["permessage-deflate; server_max_window_bits", {}, undefined, null],
    ["permessage-deflate; server_max_window_bits=20", {}, undefined, null],
    ["permessage-deflate;;", {}, undefined, null],
  ])("offer %s under policy %j → %s", (offer, policy, response, agreement) => {
    const result = acceptDeflateOffer(offer, policy);
    expect(result?.response).toBe(response);
    if (agreement) expect(result?.agreement).toMatchObject(agreement);
  });
});
