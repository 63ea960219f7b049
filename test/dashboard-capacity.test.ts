/// <reference lib="dom" />
// Callbacks of page.evaluate run in the browser.
/**
 * Issue 13's dashboard: the Capacity view (fleet by urgency, a server's forecast with its band and
 * the recommendation), the forecast band under the Usage view's daily series, anomaly marks on the
 * performance charts and "compare with last week" with the % change per point on hover. Four
 * backfilled weeks of seasonal, growing traffic, with a spike in the last days.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lognormal, seasonalHourlyCounts, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness } from './helpers/harness.js';
import { HOUR, ingest, type PastEvent } from './helpers/backfill.js';

const skip = browserSkip();
const HOURS = 28 * 24;
const SPIKE = HOURS - 30;

function eventsOf(server: string, from: number, counts: number[]): PastEvent[] {
  const random = seededRandom(counts.length + server.length);
  return counts.flatMap((n, k) =>
    Array.from({ length: n }, () => ({
      server,
      method: 'tools/call',
      started_at: from + k * HOUR + Math.floor(random() * HOUR),
      latency_ms: lognormal(random, 40, 0.3),
      outcome: 'ok' as const,
    })),
  );
}

test('the capacity view, the usage forecast, anomaly marks and compare on hover', { skip }, async () => {
  const h = await startHarness({ listen: true, settings: { metrics_collection_interval: 3600 } });
  const b = await openBrowser({ width: 1400, height: 900 });
  try {
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const start = hour - HOURS * HOUR;
    for (const [name, max] of [
      ['orders', 0.06],
      ['search', 1],
    ] as const) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name,
          transport: 'streamable-http',
          url: 'http://127.0.0.1:9/mcp',
          health_check_interval: 3600,
          capacity: { max_rps: max },
        },
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    const orders = seasonalHourlyCounts(HOURS, 51);
    orders[SPIKE] = (orders[SPIKE] ?? 0) * 4;
    await ingest(h, [
      ...eventsOf('orders', start, orders),
      ...eventsOf('search', start, seasonalHourlyCounts(HOURS, 52)),
    ]);
    const { page } = b;

    await page.goto(`${h.url}/capacity`);
    await page.getByTestId('capacity-row').first().waitFor();
    const names = await page.getByTestId('capacity-row').locator('td:first-child').allTextContents();
    assert.deepEqual(names, ['orders', 'search'], 'the most urgent first');
    await page.getByTestId('forecast-chart').waitFor({ timeout: 30_000 });
    assert.match(
      (await page.getByTestId('recommendation').textContent()) ?? '',
      /Saturates|capacity|headroom/,
    );
    await b.screenshots('capacity');

    await page.goto(`${h.url}/usage`);
    await page.getByTestId('usage-forecast').getByTestId('forecast-chart').waitFor({ timeout: 30_000 });
    await b.screenshots('usage-forecast');

    await page.goto(`${h.url}/servers/orders/performance?range=7d&compare=1`);
    const rps = page.getByTestId('chart-panel').filter({ hasText: 'Requests per second' });
    const chart = rps.getByTestId('chart');
    await chart.waitFor();
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="chart"]')].some(
          (c) => Number(c.getAttribute('data-anomalies')) > 0,
        ),
      undefined,
      { timeout: 30_000 },
    );
    assert.ok(Number(await chart.getAttribute('data-anomalies')) >= 1, 'the spike is marked');
    const box = await chart.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const note = rps.getByTestId('hover-note');
    await page.waitForFunction(
      (el) => /vs last week: requests\/s [+-]?\d/.test(el?.textContent ?? ''),
      await note.elementHandle(),
    );
    assert.match((await note.textContent()) ?? '', /vs last week: requests\/s [+-]?\d+\.\d%/);
    await b.screenshots('detail-anomalies');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
    await h.destroy();
  }
});
