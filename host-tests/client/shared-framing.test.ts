/**
 * Connections made with the same platform and limits share one framing
 * options object (XS heap per connection); anything that differs gets its own.
 */
import { sharedFraming } from "../../modules/endpoint/framing";
import type { Platform } from "../../modules/platform/platform";

function platform(): Platform & { filled: unknown[] } {
  const filled: unknown[] = [];
  return {
    filled,
    now: () => 0,
    setTimer: () => undefined,
    clearTimer: () => undefined,
    randomFill(this: { filled: unknown[] }, bytes: Uint8Array) { this.filled.push(this); bytes.fill(7); },
  };
}

test("the same platform and limits give the same frozen object; other limits or platforms their own", () => {
  const p = platform();
  const a = sharedFraming(p, 1000, 10, false);
  expect(sharedFraming(p, 1000, 10, false)).toBe(a);
  expect(Object.isFrozen(a)).toBe(true);
  expect(a).toMatchObject({ maxMessageSize: 1000, maxFragments: 10, fragments: false });
  const streaming = sharedFraming(p, 1000, 10, true);
  expect(streaming).not.toBe(a);
  expect(streaming.fragments).toBe(true);
  expect(sharedFraming(p, 2000, 10, false).maxMessageSize).toBe(2000);
  expect(sharedFraming(p, 1000, 11, false).maxFragments).toBe(11);
  expect(sharedFraming(platform(), 1000, 10, false)).not.toBe(a);
  // Many kinds of limits on one platform: each call still gets its own limits.
  for (let i = 1; i <= 10; i++) expect(sharedFraming(p, i, 1, false).maxMessageSize).toBe(i);
  expect(sharedFraming(p, 1000, 10, false)).toMatchObject({ maxMessageSize: 1000, maxFragments: 10, fragments: false });
});

test("masking keys come from the platform's randomFill, called as its method", () => {
  const p = platform();
  const bytes = new Uint8Array(4);
  sharedFraming(p, 1, 1, false).random(bytes);
  expect(Array.from(bytes)).toEqual([7, 7, 7, 7]);
  expect(p.filled).toEqual([p]);
});

test("a platform whose hooks changed gets framing options with the new hooks", () => {
  const p = platform();
  const before = sharedFraming(p, 1, 1, false);
  const encodeUtf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
  p.encodeUtf8 = encodeUtf8;
  const after = sharedFraming(p, 1, 1, false);
  expect(after).not.toBe(before);
  expect(after.encodeUtf8).toBe(encodeUtf8);
});
