/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Callbacks of page.evaluate run in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEverythingHttp } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();
const TOKEN = 'dashboard-status-page-token';

test(
  'a status page opened without a token: names, statuses and 90-day bars at both widths; badges are SVG images; the dashboard edits pages',
  { skip },
  async () => {
    const everything = await startEverythingHttp();
    const h = await startHarness({
      listen: true,
      settings: { api_token: TOKEN, health_check_interval: 1, health_check_retries: 1 },
    });
    const b = await openBrowser({ width: 1400, height: 900 });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      h.app.inject({
        method,
        url,
        headers: auth,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    try {
      for (const [name, url] of [
        ['Everything', everything.url],
        ['Gone Away', 'http://127.0.0.1:9/mcp'],
      ] as const) {
        const r = await api('POST', '/api/v1/servers', {
          name,
          transport: 'streamable-http',
          url,
          tags: ['public'],
        });
        assert.equal(r.statusCode, 201, r.body);
      }
      await waitFor('checked and counted', async () => {
        const servers = (await api('GET', '/api/v1/servers')).json().servers as {
          uptime: Record<string, number | null>;
        }[];
        return servers.every((s) => s.uptime['24h'] !== null);
      });
      const made = await api('POST', '/api/v1/status-pages', {
        slug: 'tools',
        title: 'Tools status',
        tags: ['public'],
      });
      assert.equal(made.statusCode, 201, made.body);

      // The public page, from a browser that never had the token.
      const { page } = b;
      const seen: string[] = [];
      page.on('request', (r) => seen.push(r.url()));
      const res = await page.goto(`${h.url}/status/tools`);
      assert.equal(res?.status(), 200);
      await page.getByText('Tools status').first().waitFor();
      const shown = await page.evaluate(() => ({
        names: [...document.querySelectorAll('.server .name')].map((e) => e.textContent),
        statuses: [...document.querySelectorAll('.server .status')].map((e) => e.textContent),
        bars: [...document.querySelectorAll('.server .bars')].map((e) => e.children.length),
        banner: document.querySelector('.banner')?.textContent,
        text: document.body.innerText,
      }));
      assert.deepEqual(shown.names, ['Everything', 'Gone Away']);
      assert.deepEqual(shown.statuses, ['Operational', 'Major outage']);
      assert.deepEqual(shown.bars, [90, 90]);
      assert.equal(shown.banner, 'Some systems are down');
      for (const secret of ['127.0.0.1', 'http://', TOKEN]) assert.ok(!shown.text.includes(secret), secret);
      assert.deepEqual(
        seen.filter((u) => !u.endsWith('/status/tools')),
        [],
        'the page loads nothing else (no script, no API call)',
      );
      await b.screenshots('status-page');
      // Phone width: the bars fit, nothing scrolls sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `scrolls sideways by ${overflow} px`);

      // Badges: real SVG images the browser decodes, with their words in them (read from a page of
      // the monitor without the status page's lock-down, which lets that page load nothing).
      await page.goto(`${h.url}/api/v1/info`);
      for (const [path, words] of [
        ['/badge/everything/status.svg', 'healthy'],
        ['/badge/Gone%20Away/status.svg', 'offline'],
        ['/badge/everything/uptime-30d.svg', 'uptime 30d'],
      ] as const) {
        const badge = await page.evaluate(async (url) => {
          const text = await (await fetch(url)).text();
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          const img = new Image();
          img.src = url;
          await img.decode();
          return {
            root: doc.documentElement.nodeName,
            parseError: doc.getElementsByTagName('parsererror').length,
            label: doc.documentElement.getAttribute('aria-label'),
            width: img.naturalWidth,
          };
        }, `${h.url}${path}`);
        assert.equal(badge.root, 'svg', path);
        assert.equal(badge.parseError, 0, path);
        assert.ok(badge.label?.includes(words), `${path}: ${badge.label}`);
        assert.ok(badge.width > 40, `${path} decodes as an image`);
      }

      // The dashboard (with the token): cards carry the heartbeat strip, and status pages are edited there.
      await page.setViewportSize({ width: 1400, height: 900 });
      // Signed in as the dashboard keeps it (this origin's storage), before the dashboard loads.
      await page.evaluate((t) => localStorage.setItem('mcp-health.token', t), TOKEN);
      await page.goto(`${h.url}/`);
      const strip = page.locator(
        '[data-testid="server-card"][data-server="gone-away"] [data-testid="heartbeats"]',
      );
      await strip.waitFor();
      await waitFor(
        'failed beats on the strip',
        async () => (await strip.locator('.beat.down').count()) >= 1,
      );
      assert.match((await strip.getByTestId('uptime-24h').textContent()) ?? '', /^0\.00%$/);
      const box = await strip.boundingBox();
      assert.ok(box && box.height <= 20, `the strip is one line: ${JSON.stringify(box)}`);
      assert.equal(await strip.locator('.beat').count(), 50, 'fifty places, the empty ones first');
      await page.goto(`${h.url}/status-pages`);
      await page.getByTestId('status-pages').waitFor();
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.locator('#sp-title').fill('Tools and friends');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Tools and friends').first().waitFor();
      await page.locator('#sp-title').fill('Internal');
      await page.locator('#sp-slug').fill('internal');
      await page.getByLabel('Public (no login)').uncheck();
      await page.locator('input[name="server"][value="everything"]').check();
      await page.getByRole('button', { name: 'Add status page' }).click();
      await page.locator('tr[data-slug="internal"]').waitFor();
      await b.screenshots('status-pages-editor');
      const pages = (await api('GET', '/api/v1/status-pages')).json().status_pages;
      assert.deepEqual(
        pages.map((p: { slug: string; title: string; public: boolean; servers: string[] | null }) => [
          p.slug,
          p.title,
          p.public,
          p.servers,
        ]),
        [
          ['internal', 'Internal', false, ['everything']],
          ['tools', 'Tools and friends', true, null],
        ],
      );
      const closed = await fetch(`${h.url}/status/internal.json`);
      assert.equal(closed.status, 401, 'a page not public asks for the token');
      // The browser asks for /favicon.ico by itself on the JSON page the badges were read from.
      assert.deepEqual(
        b.errors.filter((e) => !e.includes('/favicon.ico')),
        [],
      );
    } finally {
      await b.close();
      await h.destroy();
      await everything.stop();
    }
  },
);
