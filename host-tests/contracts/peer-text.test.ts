/** The one helper through which peer text enters error messages. */
import { PEER_TEXT_MAX, quotePeer } from "../../modules/core/peer-text";

test.each([
  ["plain text", "101 Switching Protocols", "\"101 Switching Protocols\""],
  ["CR, LF, tab", "a\r\nb\tc", "\"a\\r\\nb\\tc\""],
  ["ESC, NUL, DEL, C1", "\x1b[2J\x00\x7f\x85", "\"\\x1b[2J\\x00\\x7f\\x85\""],
  ["quotes and backslashes", "say \"hi\" \\o/", "\"say \\\"hi\\\" \\\\o/\""],
  ["line separator and bidi override", "a\u2028b\u202ec", "\"a\\u2028b\\u202ec\""],
  ["a lone surrogate", "x\ud800y", "\"x\\ud800y\""],
  ["a surrogate pair and obs-text stay", "é😀", "\"é😀\""],
])("%s", (_what, text, quoted) => {
  expect(quotePeer(text)).toBe(quoted);
});

test("long text is cut to PEER_TEXT_MAX characters, never inside a surrogate pair", () => {
  expect(quotePeer("A".repeat(5000))).toBe(`"${"A".repeat(PEER_TEXT_MAX)}"…`);
  expect(quotePeer("A".repeat(PEER_TEXT_MAX - 1) + "😀")).toBe(`"${"A".repeat(PEER_TEXT_MAX - 1)}"…`);
  expect(quotePeer("abcdef", 3)).toBe("\"abc\"…");
});
