/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Callbacks of page.evaluate run in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Aggregator } from '../src/metrics/aggregate/aggregator.js';
import { rollUp } from '../src/metrics/aggregate/rollup.js';
import { requestEvent } from '../src/metrics/ingest/synthetic-traffic.js';
import { startEverythingHttp } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();
const [HOUR, DAY] = [3_600_000, 86_400_000];

/** Pixels of a chart panel's canvas within ±24 of each colour given (r, g, b), alpha > 0. */
const painted = ([title, colours]: [string, [number, number, number][]]) => {
  const panel = [...document.querySelectorAll('[data-testid="chart-panel"]')].find(
    (p) => p.querySelector('h2')?.textContent === title,
  );
  const canvas = panel?.querySelector('canvas');
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx) return -1;
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4)
    if (
      (px[i + 3] ?? 0) > 0 &&
      colours.some(
        ([r, g, b]) =>
          Math.abs((px[i] ?? 0) - r) <= 24 &&
          Math.abs((px[i + 1] ?? 0) - g) <= 24 &&
          Math.abs((px[i + 2] ?? 0) - b) <= 24,
      )
    )
      n++;
  return n;
};
const LATENCY_COLOURS: [number, number, number][] = [
  [59, 130, 246], // p50
  [245, 158, 11], // p95
  [239, 68, 68], // p99
];
const LIGHT_GRID: [number, number, number] = [230, 232, 238];
const DARK_GRID: [number, number, number] = [38, 44, 54];

test(
  'charts on a young install: points drawn, "collecting data since"; compare keeps the step; colours follow the system scheme live',
  { skip },
  async () => {
    const upstream = await startEverythingHttp();
    const h = await startHarness({ listen: true, settings: { metrics_collection_interval: 1 } });
    const b = await openBrowser({ width: 1400 });
    try {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'young',
          transport: 'streamable-http',
          url: upstream.url,
          health_check_interval: 3600,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const client = new Client(
        { name: 'charts-test', version: '1.0' },
        { versionNegotiation: { mode: 'auto' } },
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(`${h.url}/mcp/young`)));
      for (let i = 0; i < 20; i++) await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
      await client.close();
      await waitFor('the traffic stored', async () => {
        const r = (await h.app.inject({ method: 'GET', url: '/api/v1/servers/young/endpoints' })).json();
        return r.endpoints.some((e: { requests: number }) => e.requests === 20);
      });

      const { page } = b;
      const latency = page
        .getByTestId('chart-panel')
        .filter({ has: page.getByRole('heading', { name: 'Latency' }) });
      for (const range of ['7d', '30d']) {
        await page.goto(`${h.url}/servers/young/performance?range=${range}`);
        await latency.locator('canvas').waitFor();
        // One hour of data in a range of days: its values are drawn, as dots.
        const dots = await page.evaluate(painted, ['Latency', LATENCY_COLOURS] as [
          string,
          [number, number, number][],
        ]);
        assert.ok(dots > 0, `${range}: the latency values are drawn (${dots} px)`);
        assert.match(
          await page.getByTestId('collecting').innerText(),
          /^Collecting data since .+: the range before has none\.$/,
        );
        if (range === '7d') await b.screenshots('charts-young-7d');
      }

      // Last week's traffic, as the store keeps it a week on: hour rows.
      const now = Date.now();
      const agg = new Aggregator({ store: h.monitor.store, now: () => now });
      for (let s = 0; s < 3 * 3600; s += 10)
        agg.record(
          requestEvent({ serverId: 'young', startedAt: now - 7 * DAY - 2 * HOUR + s * 1000, latencyMs: 30 }),
        );
      assert.equal((await agg.flush()).ok, true);
      await rollUp(h.monitor.store.db, now);
      await page.goto(`${h.url}/servers/young/performance?compare=1`);
      const rps = page
        .getByTestId('chart-panel')
        .filter({ has: page.getByRole('heading', { name: 'Requests per second' }) });
      await rps.locator('canvas').waitFor();
      const counts = Object.fromEntries(
        ((await rps.getByTestId('chart').getAttribute('data-values')) ?? '').split('; ').map((kv) => {
          const [k, v] = kv.split(': ');
          return [k, Number(v)];
        }),
      );
      // The last hour at its minute step, last week's values held across the same minutes.
      assert.ok((counts['requests/s last week'] ?? 0) >= 59, JSON.stringify(counts));
      await b.screenshots('charts-compare');

      // The system turns dark while the page is open: the grid lines follow.
      await page.goto(`${h.url}/servers/young/performance?range=24h`);
      await latency.locator('canvas').waitFor();
      const grid = (colour: [number, number, number]) =>
        page.evaluate(painted, ['Latency', [colour]] as [string, [number, number, number][]]);
      const lightBefore = await grid(LIGHT_GRID);
      assert.ok(lightBefore > 100, `light grid lines: ${lightBefore} px`);
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.waitForSelector('[data-testid="chart"][data-scheme="dark"]');
      await latency.locator('canvas').waitFor();
      // (A few anti-aliased pixels of the light axis text may come near the light grid's colour.)
      const lightAfter = await grid(LIGHT_GRID);
      assert.ok(lightAfter < lightBefore / 100, `light grid lines left: ${lightAfter} of ${lightBefore} px`);
      assert.ok((await grid(DARK_GRID)) > 100, 'dark grid lines');
      await b.screenshots('charts-dark');
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
      await upstream.stop();
    }
  },
);
