import { expectAllStrict } from "./assert-cases";
import { KUHN, firstInvalidByte } from "./cases/kuhn";
import { utf8Cases } from "./cases/utf8";

describe("Kuhn samples agree with an independent decoder", () => {
  test.each(KUHN.map((k) => [k.group, k.title, k] as const))("%s %s", (_g, _t, k) => {
    let valid = true;
    try { new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(k.bytes)); } catch { valid = false; }
    expect(valid).toBe(k.valid);
    if (k.valid) expect(firstInvalidByte(k.bytes)).toBe(-1);
  });
});

describe("Autobahn 6.x UTF-8", () => expectAllStrict(utf8Cases));
