import { createHash, randomBytes } from "node:crypto";
import { sha1 } from "../../modules/core/sha1";
import { base64Decode, base64Encode } from "../../modules/core/base64";
import { acceptFor } from "../../modules/core/handshake";

describe("SHA-1 and base64 written in the core", () => {
  test("RFC 6455 section 1.3 example accept value", () => {
    expect(acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  test("sha1 matches node:crypto for every length around block boundaries and random data", () => {
    for (let n = 0; n < 200; n++) {
      const data = randomBytes(n);
      expect(Buffer.from(sha1(data)).toString("hex")).toBe(createHash("sha1").update(data).digest("hex"));
    }
    const big = randomBytes(100000);
    expect(Buffer.from(sha1(big)).toString("hex")).toBe(createHash("sha1").update(big).digest("hex"));
  });

  test("base64 round-trips and matches Buffer for lengths 0-64", () => {
    for (let n = 0; n <= 64; n++) {
      const data = randomBytes(n);
      const text = base64Encode(data);
      expect(text).toBe(data.toString("base64"));
      expect(Buffer.from(base64Decode(text)!)).toEqual(data);
    }
  });

  test.each(["abc", "ab=c", "a===", "@@@@", "AAA=A"])("base64Decode refuses %s", (text) => {
    expect(base64Decode(text)).toBeUndefined();
  });
});
