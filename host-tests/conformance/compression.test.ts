/**
 * Autobahn 12.x / 13.x style: compressed messages from 16 bytes to 128 KiB,
 * with and without auto-fragmentation, under each accept policy; every
 * echo must come back compressed and inflate to the same bytes.
 */
import { compressionCases } from "./compression-cases";
import { runCompressionCase } from "./compression-runner";

test.each(compressionCases.map((c) => [c.id, c.title, c] as const))("%s %s", async (_id, _title, c) => {
  const result = await runCompressionCase(c);
  expect(result.reasons).toEqual([]);
  // From 1 KiB up, every payload kind is smaller on the wire than in plain (frame headers dominate below).
  if (c.size >= 1024) expect(result.wireBytes).toBeLessThan(result.plainBytes);
}, 60000);
