/** Jest glue: one test per case, asserting the strict (OK) verdict and showing the reasons otherwise. */
import type { ConformanceCase } from "./case";
import { runCase } from "./runner";

export function expectAllStrict(cases: readonly ConformanceCase[]): void {
  for (const c of cases) {
    test(`${c.id} ${c.title}`, async () => {
      const result = await runCase(c);
      expect({ id: c.id, verdict: result.verdict, reasons: result.reasons }).toEqual({ id: c.id, verdict: "OK", reasons: [] });
    }, (c.capMs ?? 10000) * 4);
  }
}
