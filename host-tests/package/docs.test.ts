/**
 * The docs check (scripts/check-docs.mjs): every js/ts block of README.md and docs/*.md is marked, and every
 * block marked `run` runs on Node against local echo servers. The repository's docs pass; a document with
 * each kind of defect fails, one problem per defect.
 */
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");

interface Report {
  ok: boolean;
  counts: { run: number; device: number; sketch: number };
  ran: { where: string; ok: boolean; ms: number; stdout: string }[];
  problems: string[];
}

function check(args: string[]): Promise<{ code: number; report: Report }> {
  return new Promise((done, fail) => {
    execFile(process.execPath, ["scripts/check-docs.mjs", "--json", ...args], { cwd: ROOT, timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      try {
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, report: JSON.parse(stdout) as Report });
      } catch {
        fail(new Error(`${String(error)}\n${stderr}`));
      }
    });
  });
}

test("README.md and docs/*.md: every js/ts block is marked, and every `run` block runs and ends", async () => {
  const { code, report } = await check([]);
  expect(report.problems).toEqual([]);
  expect(code).toBe(0);
  expect(report.counts.run).toBeGreaterThanOrEqual(16);
  const out = (where: string) => report.ran.find((r) => r.where === where)?.stdout.split("\n") ?? [];
  const readme = report.ran.filter((r) => r.where.startsWith("README.md:"));
  expect(readme.length).toBeGreaterThanOrEqual(8);
  // The blocks did their work: no error was printed, and the seed 000 flow went to its end.
  for (const r of report.ran) expect(r.stdout).not.toMatch(/^(ws )?error/m);
  const seed000 = report.ran.filter((r) => r.stdout.includes("cnt =  11"));
  expect(seed000.map((r) => r.where.split(":")[0]).sort()).toEqual(["README.md", "docs/seed-apis.md"]);
  expect(readme.flatMap((r) => out(r.where))).toContain("open, protocol chat.v2"); // the browser example
}, 120_000);

test("a document with every defect fails, naming each", async () => {
  const { code, report } = await check(["--timeout", "3000", join(__dirname, "fixtures/docs/broken.md")]);
  expect(code).toBe(1);
  const where = "host-tests/package/fixtures/docs/broken.md";
  expect(report.problems).toEqual([
    `${where}:46: "\`\`\` and then a sentence" does not close the block opened at line 44 (a closing fence has nothing after it)`,
    `${where}:44: the block opened here never closes`,
    `${where}:5: a js block needs one marker: \`\`\`js run, device or sketch (scripts/check-docs.mjs)`,
    `${where}:11: unknown marker "maybe" (use run, device or sketch)`,
    expect.stringMatching(new RegExp(`^${where}:17: exited with 1\\n[\\s\\S]*INVALID_URL`)),
    expect.stringMatching(new RegExp(`^${where}:24: did not finish within 3000 ms \\(a run block must end on its own\\)\\nopen, and staying open`)),
  ]);
  expect(report.counts).toEqual({ run: 3, device: 1, sketch: 0 });
  expect(report.ran.filter((r) => r.ok).map((r) => r.where)).toEqual([`${where}:32`]);
}, 60_000);
