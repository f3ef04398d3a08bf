/**
 * XS heap use of the client on the simulator. Prints the figures (they feed
 * the benchmark issue) and checks what must hold whatever the numbers: an
 * idle connection costs something, messages leave nothing behind, and a
 * closed, released connection gives its slots back.
 */
import { formatXsMemory, measureXsMemory } from "./memory";

test("XS heap: idle connection, per-message cost, no leaks", async () => {
  const report = await measureXsMemory([16, 125, 1024, 65536], 50);
  console.log(formatXsMemory(report));
  expect(report.idleConnectionSlots).toBeGreaterThan(0);
  for (const message of report.messages) {
    expect(message.allocatedSlots).toBeGreaterThan(0);
    expect(message.sentSlots).toBeGreaterThan(0);
    expect(message.receivedSlots).toBeGreaterThan(0);
    expect(message.retainedSlotsPerMessage).toBeLessThan(1); // nothing kept per message
  }
  expect(report.afterCloseSlots).toBeLessThan(report.idleConnectionSlots / 2);
}, 60000);
