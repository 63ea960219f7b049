/// <reference lib="dom" />
// Callbacks of page.evaluate / waitForFunction run in the browser.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildApi } from '../src/api/app.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/browser.js';
import { startResponder } from './probe-scale.js';

export interface DashboardResult {
  servers: number;
  /** Navigation start → every card in the viewport drawn with its status, ms: cold (first load), then warm. */
  gridColdMs: number;
  gridWarmP50Ms: number;
  gridWarmMaxMs: number;
  /** Status change in the monitor → the card shows it, ms. */
  statusP50Ms: number;
  statusP95Ms: number;
  statusMaxMs: number;
  statusSamples: number;
  /** Status changes the page never showed (a later change replaced them first). */
  statusMissed: number;
  jsBytes: number;
  jsGzipBytes: number;
  cssGzipBytes: number;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);

function assetSizes(): { js: number; jsGzip: number; cssGzip: number } {
  const dir = join(import.meta.dirname, '..', 'dist', 'web', 'assets');
  let js = 0;
  let jsGzip = 0;
  let cssGzip = 0;
  for (const f of readdirSync(dir)) {
    const body = readFileSync(join(dir, f));
    if (f.endsWith('.js')) {
      js += body.length;
      jsGzip += gzipSync(body, { level: 9 }).length;
    } else if (f.endsWith('.css')) cssGzip += gzipSync(body, { level: 9 }).length;
  }
  return { js, jsGzip, cssGzip };
}

/**
 * 1,000 servers (the light responder) in a real monitor, the built dashboard in headless Chromium:
 * time to a drawn grid, and time from a status change to the card showing it.
 */
export async function dashboardBench(
  options: { servers?: number; samples?: number } = {},
): Promise<DashboardResult> {
  const servers = options.servers ?? 1000;
  const samples = options.samples ?? 40;
  const responder = await startResponder();
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-health-bench-'));
  const config = configSchema.parse({
    data_dir: dataDir,
    health_check_interval: 30,
    log_level: 'warn',
    port: 0,
    servers: Array.from({ length: servers }, (_, i) => ({
      name: `server-${String(i).padStart(4, '0')}`,
      transport: 'streamable-http',
      url: `http://127.0.0.1:${responder.port}/s/${i}/mcp`,
      tags: [i % 2 ? 'odd' : 'even'],
    })),
  });
  const log = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
  const monitor = await startMonitor({ config, log });
  const { app } = await buildApi(monitor);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  while (monitor.registry.list().some((s) => s.state.lastCheck === null))
    await new Promise((r) => setTimeout(r, 200));

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Drawn: the counts bar says how many servers there are and the viewport's cards carry a status.
    const drawn = async (): Promise<number> => {
      await page.waitForFunction(
        (n) => {
          const all = document.querySelector('.counts .count strong')?.textContent;
          const cards = document.querySelectorAll('[data-testid="server-card"] [data-testid="status"]');
          return all === String(n) && cards.length >= 12;
        },
        servers,
        { polling: 'raf', timeout: 30_000 },
      );
      return page.evaluate(() => performance.now());
    };
    await page.goto(`${base}/`);
    const gridColdMs = await drawn();
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(`${base}/?sort=name`);
      warm.push(await drawn());
    }
    warm.sort((a, b) => a - b);

    // Status changes: disable / enable servers whose cards are on screen (sorted by name, they stay put).
    // The monitor's `server.status` events are timed in the bench, the cards' changes in the page.
    await page.goto(`${base}/?sort=name`);
    await drawn();
    // A string, not a function: tsx would wrap a function's inner helpers in its own `__name`.
    await page.evaluate(`(() => {
      window.__changes = [];
      new MutationObserver((records) => {
        const at = Date.now();
        for (const r of records) {
          const el = r.target;
          if (r.attributeName === 'data-status' && el.dataset && el.dataset.server)
            window.__changes.push({ id: el.dataset.server, status: el.dataset.status, at });
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
    })()`);
    const emitted: { id: string; status: string; at: number }[] = [];
    monitor.bus.on('server.status', (s) =>
      emitted.push({ id: s.id, status: s.state.status, at: Date.now() }),
    );
    for (let i = 0; i < samples; i++) {
      const id = `server-${String(i % 8).padStart(4, '0')}`;
      if (monitor.registry.get(id).state.status !== 'disabled')
        await monitor.registry.disable(id, Date.now() + 600_000, 'bench', 'bench');
      else {
        await monitor.registry.enable(id, 'bench');
        await monitor.checker.checkNow(id);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const changes = await page.evaluate<{ id: string; status: string; at: number }[]>('window.__changes');
    const latencies = emitted.flatMap((e) => {
      const seen = changes.find((c) => c.id === e.id && c.status === e.status && c.at >= e.at);
      return seen ? [seen.at - e.at] : [];
    });
    const missed = emitted.length - latencies.length;
    latencies.sort((a, b) => a - b);
    const sizes = assetSizes();
    return {
      servers,
      gridColdMs: Math.round(gridColdMs),
      gridWarmP50Ms: Math.round(quantile(warm, 0.5)),
      gridWarmMaxMs: Math.round(warm.at(-1) ?? NaN),
      statusP50Ms: Math.round(quantile(latencies, 0.5)),
      statusP95Ms: Math.round(quantile(latencies, 0.95)),
      statusMaxMs: Math.round(latencies.at(-1) ?? NaN),
      statusSamples: latencies.length,
      statusMissed: missed,
      jsBytes: sizes.js,
      jsGzipBytes: sizes.jsGzip,
      cssGzipBytes: sizes.cssGzip,
    };
  } finally {
    await browser.close();
    await app.close();
    await monitor.stop();
    responder.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
