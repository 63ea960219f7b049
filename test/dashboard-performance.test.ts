import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startEverythingHttp } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();

test(
  'performance tab: charts with data after traffic, compare with last week, the endpoint table',
  { skip },
  async () => {
    const upstream = await startEverythingHttp();
    const h = await startHarness({ listen: true, settings: { metrics_collection_interval: 1 } });
    // A browser away from UTC: the usage view asks for the reader's own hours and days.
    const b = await openBrowser({ timezoneId: 'Asia/Tokyo' });
    try {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'everything',
          transport: 'streamable-http',
          url: upstream.url,
          health_check_interval: 3600,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const client = new Client(
        { name: 'browser-test', version: '1.0' },
        { versionNegotiation: { mode: 'auto' } },
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(`${h.url}/mcp/everything`)));
      for (let i = 0; i < 30; i++) await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
      await client.listTools();
      await client.close();
      await waitFor('the traffic stored', async () => {
        const r = (await h.app.inject({ method: 'GET', url: '/api/v1/servers/everything/endpoints' })).json();
        return r.endpoints.some(
          (e: { endpoint: string; requests: number }) =>
            e.endpoint === 'tools/call:echo' && e.requests === 30,
        );
      });

      const { page } = b;
      await page.goto(`${h.url}/servers/everything/performance`);
      const panels = page.getByTestId('chart-panel');
      await waitFor('six chart panels', async () => (await panels.count()) === 6);
      const latency = panels.filter({ has: page.getByRole('heading', { name: 'Latency' }) });
      assert.equal(await latency.getAttribute('data-empty'), 'false');
      await latency.locator('canvas').waitFor();
      const legend = () => latency.locator('.u-legend').innerText();
      assert.match(await legend(), /p50.*p95.*p99/s);
      assert.doesNotMatch(await legend(), /last week/);
      const rps = panels.filter({ has: page.getByRole('heading', { name: 'Requests per second' }) });
      assert.equal(await rps.getAttribute('data-empty'), 'false');
      // Hovering the chart shows exact values in its legend.
      const box = await latency.locator('.u-over').boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
      // An HTTP server without prometheus_url has no CPU or memory, and says so.
      const cpu = panels.filter({ has: page.getByRole('heading', { name: 'CPU' }) });
      assert.match(await cpu.innerText(), /Not available for this server/);
      await b.screenshot('performance');

      await page.getByTestId('compare').check();
      await page.waitForURL(/compare=1/);
      await waitFor('previous-week series', async () => /p95 last week/.test(await legend()));
      assert.ok((await latency.getByTestId('change').count()) >= 1, 'a % change badge');
      await b.screenshot('performance-compare');

      await page.getByRole('link', { name: 'Endpoints' }).click();
      await page.waitForURL(/\/servers\/everything\/endpoints/);
      const table = page.getByTestId('endpoint-table');
      await table.waitFor();
      const echoRow = table.locator('tr', { hasText: 'tools/call:echo' });
      assert.match(await echoRow.innerText(), /tools\/call:echo\s+30\b/);
      await b.screenshot('endpoints');
      // Clicking an endpoint filters the charts to it.
      await echoRow.getByRole('button').click();
      await page.waitForURL(/\/performance\?.*endpoint=tools%2Fcall%3Aecho/);
      await page.getByText('show all endpoints').waitFor();
      await latency.locator('canvas').waitFor();
      // Usage (capacity planning): the busiest endpoints and the clients that sent the traffic.
      await page.getByRole('link', { name: 'Usage' }).nth(1).click();
      await page.waitForURL(/\/servers\/everything\/usage$/);
      const endpointsBars = page.getByRole('table', { name: 'Top endpoints' });
      await endpointsBars.waitFor();
      assert.match(await endpointsBars.innerText(), /tools\/call:echo\s+30\b/);
      assert.match(
        await page.getByRole('table', { name: 'Requests by client' }).innerText(),
        /browser-test 1\.0\s+\d+/,
      );
      assert.match(await page.getByTestId('usage').innerText(), /times in Asia\/Tokyo/);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
      await upstream.stop();
    }
  },
);
