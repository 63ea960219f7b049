import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`, done by .ci/run); never a downloaded browser. */
export const CHROMIUM = process.env.MCP_HEALTH_CHROMIUM ?? '/usr/bin/chromium';
/** Flags for a headless Chromium that reaches nothing but loopback. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'artifacts', 'screenshots');

/**
 * `false` when the browser tests can run; otherwise the reason to skip them, shown in the test
 * output. CI sets MCP_HEALTH_REQUIRE_BROWSER=1, which turns a missing browser into a failure.
 */
export function browserSkip(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const reason = `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set MCP_HEALTH_CHROMIUM)`;
  if (process.env.MCP_HEALTH_REQUIRE_BROWSER === '1') throw new Error(`browser tests required: ${reason}`);
  return reason;
}

export interface BrowserSession {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors seen so far; a test ends by asserting it is empty. */
  errors: string[];
  screenshot(name: string): Promise<string>;
  /** Screenshots at 1400 px and at 390 px (a phone) as `<name>-1400` and `<name>-390`, then the viewport as it was. */
  screenshots(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(
  options: {
    width?: number;
    height?: number;
    colorScheme?: 'light' | 'dark';
    /** The browser's time zone (an IANA name); default the machine's. */
    timezoneId?: string;
  } = {},
): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
    ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
  });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  const screenshot = async (name: string) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
  return {
    browser,
    page,
    errors,
    screenshot,
    async screenshots(name) {
      const before = page.viewportSize();
      for (const width of [1400, 390]) {
        await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
        // Charts and the grid follow a resize on the next frames.
        // From the top: a sticky header would otherwise sit mid-page in a full-page screenshot.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
        await page.waitForTimeout(150);
        await screenshot(`${name}-${width}`);
      }
      if (before) await page.setViewportSize(before);
    },
    close: () => browser.close(),
  };
}
