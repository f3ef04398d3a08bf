import fc from "fast-check";
import { backoffCap, backoffDelay, randomUnit } from "../../modules/reconnecting/backoff";

describe("full-jitter backoff (pure functions)", () => {
  test("caps double from the base and stop at maxDelay", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffCap(n, 1000, 30000))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffCap(10_000, 1000, 30000)).toBe(30000); // huge attempt numbers stay finite
    expect(backoffCap(10_000, 0, 30000)).toBe(0);
  });

  test("every delay is a whole number in [0, cap)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 0, max: 1000000 }),
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      (retry, base, max, bytes) => {
        const delay = backoffDelay(retry, base, max, (out) => out.set(bytes));
        const cap = backoffCap(retry, base, max);
        return Number.isInteger(delay) && delay >= 0 && (cap === 0 ? delay === 0 : delay < cap);
      }));
  });

  test("randomUnit spans [0, 1) from 4 random bytes", () => {
    expect(randomUnit((b) => b.fill(0))).toBe(0);
    expect(randomUnit((b) => b.fill(0xff))).toBe(0xffffffff / 2 ** 32);
    expect(randomUnit((b) => b.set([0x80, 0, 0, 0]))).toBe(0.5);
  });
});
