/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Callbacks of page.evaluate run in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { everythingEntry } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();

/** What sticks out of the page sideways (none: the page does not scroll sideways). */
const sideways = () => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll<HTMLElement>('main *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .slice(0, 5)
    .map(
      (e) => `${e.tagName.toLowerCase()}.${e.className} → ${Math.round(e.getBoundingClientRect().right)} px`,
    );
};

test(
  'on a phone (390 px): no page scrolls sideways, the channel form fits, wide tables show that they scroll',
  { skip },
  async () => {
    // A stdio server launched from a folder with a long name (a path is one long word to a browser).
    const dir = join(
      mkdtempSync(join(tmpdir(), 'mcp-health-phone-')),
      'aVeryLongFolderNameThatNoBrowserCanBreakAnywhereAtAll',
    );
    mkdirSync(dir);
    const entry = join(dir, 'server_everything_entry_point.js');
    symlinkSync(everythingEntry(), entry);
    const h = await startHarness({ listen: true, settings: { allow_stdio_servers_from_api: true } });
    const b = await openBrowser({ width: 390, height: 844 });
    try {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'local-tools',
          transport: 'stdio',
          command: process.execPath,
          args: [entry, 'stdio'],
          health_check_interval: 3600,
          tags: ['stdio', 'local'],
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      await waitFor('checked', async () => {
        const s = (await h.app.inject({ method: 'GET', url: '/api/v1/servers/local-tools' })).json();
        return s.last_check !== null;
      });
      const { page } = b;
      for (const tab of ['', '/performance', '/endpoints', '/usage', '/logs']) {
        await page.goto(`${h.url}/servers/local-tools${tab}`);
        await page.getByTestId('detail-status').waitFor();
        await page.waitForTimeout(400);
        assert.deepEqual(await page.evaluate(sideways), [], `stdio detail${tab || ' (diagnostics)'}`);
      }
      await page.goto(`${h.url}/servers/local-tools`);
      await page.getByTestId('checks').waitFor();
      await b.screenshots('detail-stdio');

      // The channel form at a phone's width.
      await page.goto(`${h.url}/alerts/channels`);
      await page.getByLabel('Kind').waitFor();
      for (const kind of ['webhook', 'email', 'dashboard', 'log']) {
        await page.getByLabel('Kind').selectOption(kind);
        assert.deepEqual(await page.evaluate(sideways), [], `channel form, ${kind}`);
      }
      await page.getByLabel('Kind').selectOption('email');
      await b.screenshots('channel-form');

      // A table wider than the phone says so at its edge, and at the other once scrolled.
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/silences',
        payload: {
          server_id: 'local-tools',
          ends_at: new Date(Date.now() + 3600_000).toISOString(),
          comment: 'x',
        },
      });
      await page.goto(`${h.url}/alerts/silences`);
      const wrap = page.getByTestId('silences').locator('xpath=..');
      await wrap.waitFor();
      const more = () => wrap.getAttribute('data-more');
      assert.ok(
        await wrap.evaluate((e) => e.scrollWidth > e.clientWidth),
        'the table is wider than the phone',
      );
      await waitFor('a hint on the right', async () => (await more()) === 'right');
      const shadow = await wrap.evaluate((e) => getComputedStyle(e).boxShadow);
      assert.notEqual(shadow, 'none', 'the hint is drawn');
      await wrap.evaluate((e) => e.scrollTo({ left: e.scrollWidth }));
      await waitFor('a hint on the left only', async () => (await more()) === 'left');
      await wrap.evaluate((e) => e.scrollTo({ left: 0 }));
      assert.deepEqual(await page.evaluate(sideways), [], 'silences');
      await b.screenshots('table-scroll-hint');
      // The server's tabs scroll too, and say so.
      await page.goto(`${h.url}/servers/local-tools/usage`);
      const tabs = page.getByRole('navigation', { name: 'Server views' }).locator('xpath=..');
      await waitFor('tabs hint', async () => /right|left/.test((await tabs.getAttribute('data-more')) ?? ''));
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
    }
  },
);
