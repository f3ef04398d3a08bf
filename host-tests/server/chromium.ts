/** Load a page in Debian's chromium (headless, fresh profile) and return what the page's `result` promise resolves to. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface PageResult {
  opened: boolean;
  protocol: string | null;
  texts: string[];
  binaries: (number[] | { length: number; first: number; last: number })[];
  close: { code: number; reason: string; wasClean: boolean } | null;
  error: boolean;
}

export async function pageResultInChromium(url: string): Promise<PageResult> {
  const profile = mkdtempSync(join(tmpdir(), "ws-chromium-"));
  let browser: BrowserContext | undefined;
  try {
    // A fresh profile directory per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60000 });
    const page = await browser.newPage();
    await page.goto(url, { timeout: 30000 });
    // Runs in the page: globalThis is its window.
    return await page.evaluate(() => (globalThis as unknown as { result: Promise<unknown> }).result) as PageResult;
  } finally {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** What browser-page.ts's exchange must produce when the server echoes text as "echo:<text>" and binary as is. */
export function expectEchoExchange(result: PageResult): void {
  expect(result.opened).toBe(true);
  expect(result.error).toBe(false);
  expect(result.protocol).toBe("chat.v1");
  expect(result.texts).toEqual(["echo:hello from the browser", `echo:${"ünïcødé ✓".repeat(100)}`, "echo:done"]);
  expect(result.binaries).toEqual([[0, 1, 2, 253, 254, 255], { length: 70000, first: 7, last: 7 }]);
  expect(result.close).toEqual({ code: 1000, reason: "", wasClean: true });
}
