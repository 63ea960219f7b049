/// <reference lib="dom" />
// Callbacks of page.evaluate / waitForFunction run in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everythingEntry, startEverythingHttp } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();

test(
  'dashboard grid: every server with status, latency and last check; a stopped server turns Offline live',
  { skip },
  async () => {
    const upstream = await startEverythingHttp();
    const h = await startHarness({ listen: true });
    const b = await openBrowser();
    try {
      const add = async (payload: Record<string, unknown>) => {
        const res = await h.app.inject({ method: 'POST', url: '/api/v1/servers', payload });
        assert.equal(res.statusCode, 201, res.body);
      };
      await add({
        name: 'http-server',
        transport: 'streamable-http',
        url: upstream.url,
        health_check_interval: 1,
        tags: ['web'],
      });
      await add({
        name: 'stdio-server',
        transport: 'stdio',
        command: process.execPath,
        args: [everythingEntry(), 'stdio'],
        health_check_interval: 3600,
      });
      await add({
        name: 'nowhere',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        health_check_interval: 3600,
      });
      await waitFor('every server checked', async () => {
        const { servers } = (await h.app.inject({ method: 'GET', url: '/api/v1/servers' })).json();
        return servers.every((s: { last_check: string | null }) => s.last_check !== null);
      });

      const { page } = b;
      await page.goto(h.url);
      const cards = page.getByTestId('server-card');
      await waitFor('three cards', async () => (await cards.count()) === 3);
      for (const name of ['http-server', 'stdio-server', 'nowhere']) {
        const card = page.locator(`[data-testid="server-card"][data-server="${name}"]`);
        assert.match(
          (await card.getByTestId('status').textContent()) ?? '',
          /Healthy|Warning|Critical|Offline/,
        );
        assert.notEqual(await card.getByTestId('last-check').textContent(), 'never');
        assert.ok(await card.getByTestId('last-check').getAttribute('title'), 'the exact time on hover');
      }
      const http = page.locator('[data-testid="server-card"][data-server="http-server"]');
      await waitFor(
        'http-server healthy on its card',
        async () => (await http.getAttribute('data-status')) === 'healthy',
      );
      assert.match((await http.getByTestId('latency').textContent()) ?? '', /\d+(\.\d+)? m?s/);
      assert.match((await page.getByTestId('count-healthy').textContent()) ?? '', /Healthy\s*\d/);
      await b.screenshot('grid');

      // No reload from here on: a marker on the window survives only if the page stays the same.
      await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
      await upstream.stop();
      await page.waitForSelector(
        '[data-testid="server-card"][data-server="http-server"][data-status="offline"]',
        { timeout: 30_000 },
      );
      const server = (await h.app.inject({ method: 'GET', url: '/api/v1/servers/http-server' })).json();
      assert.ok(
        server.consecutive_failures >= 3,
        `Offline after the third failed check (${server.consecutive_failures})`,
      );
      assert.equal(await http.getByTestId('status').textContent(), '✖ Offline', 'the word beside the colour');
      assert.equal(
        await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
        true,
      );
      // Sorted by severity: the Offline card is first.
      assert.equal(await cards.first().getAttribute('data-server'), 'http-server');
      const background = await http.evaluate((el) => getComputedStyle(el).borderLeftColor);
      assert.match(background, /rgb\((1[5-9]\d|2\d\d), \d+, \d+\)/, `red border: ${background}`);

      // Filters are in the URL: a deep link shows only the Offline servers.
      await page.goto(`${h.url}/?status=offline`);
      await waitFor('filtered grid', async () => (await cards.count()) === 1);
      await page.goto(`${h.url}/?q=stdio`);
      await waitFor('searched grid', async () => (await cards.count()) === 1);
      assert.equal(await cards.first().getAttribute('data-server'), 'stdio-server');
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
      await upstream.stop();
    }
  },
);

test(
  "dashboard grid: the empty state says what to do; the add-server form shows the API's validation",
  { skip },
  async () => {
    const h = await startHarness({ listen: true });
    const b = await openBrowser();
    try {
      const { page } = b;
      await page.goto(h.url);
      await page.getByTestId('empty').waitFor();
      assert.match(
        (await page.getByTestId('empty').textContent()) ?? '',
        /No servers yet.*Add a server.*demo/s,
      );
      await page.getByRole('link', { name: 'Add a server' }).click();
      await page.getByLabel('Name', { exact: true }).fill('bad-url');
      await page.getByLabel('URL', { exact: true }).fill('ftp://example');
      await page.getByRole('button', { name: 'Add server' }).click();
      await page.getByTestId('error-url').waitFor();
      assert.match((await page.getByTestId('error-url').textContent()) ?? '', /http/);
      assert.equal(
        (await h.app.inject({ method: 'GET', url: '/api/v1/servers' })).json().servers.length,
        0,
        'nothing saved',
      );
      await page.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/mcp');
      await page.getByRole('button', { name: 'Add server' }).click();
      await page.waitForURL(/\/servers\/bad-url$/);
      await page.getByTestId('detail-status').waitFor();
      // A 400 answered by the API is shown in the form; the browser logs the failed request as an error.
      assert.deepEqual(
        b.errors.filter((e) => !/status of 400/.test(e)),
        [],
      );
    } finally {
      await b.close();
      await h.destroy();
    }
  },
);

test(
  'without the live socket the grid says "reconnecting" and polls; on a phone, in dark mode, it still reads',
  { skip },
  async () => {
    const h = await startHarness({ listen: true, settings: { dashboard_refresh_interval: 1 } });
    const b = await openBrowser({ width: 390, height: 844, colorScheme: 'dark' });
    try {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'far-away',
          transport: 'streamable-http',
          url: 'http://127.0.0.1:9/mcp',
          health_check_interval: 3600,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { page } = b;
      // Every live socket is refused from the start: the dashboard must fall back to polling.
      await page.routeWebSocket(/\/api\/v1\/live/, (ws) =>
        ws.close({ code: 1011, reason: 'test: no live socket' }),
      );
      await page.goto(h.url);
      await page.getByTestId('connection').filter({ hasText: 'reconnecting' }).waitFor();
      const card = page.locator('[data-testid="server-card"][data-server="far-away"]');
      await card.waitFor();
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers/far-away/disable',
        payload: { minutes: 5 },
      });
      await page.waitForSelector(
        '[data-testid="server-card"][data-server="far-away"][data-status="disabled"]',
        { timeout: 10_000 },
      );
      const box = await card.boundingBox();
      assert.ok(box && box.width <= 390, 'one column on a phone');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, 'rgb(13, 17, 23)', 'dark theme from the system setting');
      await b.screenshot('grid-phone-dark');
      // The refused sockets are logged by the browser; nothing else may be.
      assert.deepEqual(
        b.errors.filter((e) => !/WebSocket/.test(e)),
        [],
      );
    } finally {
      await b.close();
      await h.destroy();
    }
  },
);
