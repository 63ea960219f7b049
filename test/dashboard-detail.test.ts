import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everythingEntry } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();

test(
  'server detail: diagnostics, force check, disable for 5 minutes, enable, live logs',
  { skip },
  async () => {
    const h = await startHarness({ listen: true });
    const b = await openBrowser();
    try {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'everything-stdio',
          transport: 'stdio',
          command: process.execPath,
          args: [everythingEntry(), 'stdio'],
          health_check_interval: 3600,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      await waitFor('first check', async () => {
        const s = (await h.app.inject({ method: 'GET', url: '/api/v1/servers/everything-stdio' })).json();
        return s.status === 'healthy';
      });
      const { page } = b;
      await page.goto(h.url);
      await page.getByTestId('server-card').first().click();
      await page.waitForURL(/\/servers\/everything-stdio$/);
      await page.getByTestId('server-info').waitFor();
      assert.match((await page.getByTestId('server-info').textContent()) ?? '', /everything/);
      assert.match((await page.getByTestId('detail-status').textContent()) ?? '', /Healthy/);
      const rows = page.locator('[data-testid="checks"] tbody tr');
      const before = await waitFor('the checks table', () => rows.count());

      await page.getByTestId('force-check').click();
      await page.getByTestId('action-result').waitFor();
      assert.match(
        (await page.getByTestId('action-result').textContent()) ?? '',
        /Checked just now: answered in/,
      );
      await waitFor('the new check in the table', async () => (await rows.count()) === before + 1);
      await b.screenshot('detail');

      await page.getByTestId('disable').click();
      await page.getByTestId('disable-minutes').selectOption('5');
      await page.getByRole('textbox', { name: 'Reason' }).fill('browser test');
      await page.getByTestId('disable-confirm').click();
      await page.getByTestId('disabled-until').waitFor();
      assert.match((await page.getByTestId('detail-status').textContent()) ?? '', /Disabled/);
      const until = (await h.app.inject({ method: 'GET', url: '/api/v1/servers/everything-stdio' })).json()
        .disabled_until as string;
      const minutes = (Date.parse(until) - Date.now()) / 60_000;
      assert.ok(minutes > 4 && minutes <= 5, `disabled for 5 minutes (${minutes})`);
      assert.match(
        (await page.getByTestId('disabled-until').textContent()) ?? '',
        /Disabled until .+\(browser test\)/,
      );
      assert.equal(await page.getByTestId('force-check').isDisabled(), true, 'no checks while disabled');

      await page.getByTestId('enable').click();
      await waitFor(
        'enabled again',
        async () => !/Disabled/.test((await page.getByTestId('detail-status').textContent()) ?? ''),
      );
      assert.equal(await page.getByTestId('disabled-until').count(), 0);

      await page.getByRole('link', { name: 'View recent logs' }).click();
      await page.waitForURL(/\/servers\/everything-stdio\/logs$/);
      await page.getByTestId('log-lines').waitFor();
      assert.match(
        (await page.getByTestId('log-lines').textContent()) ?? '',
        /Starting default \(STDIO\) server/,
      );
      // Live tail: a forced check writes a new check row without a reload.
      const checkRows = page.locator('[data-testid="checks"] tbody tr');
      const n = await checkRows.count();
      await h.app.inject({ method: 'POST', url: '/api/v1/servers/everything-stdio/check' });
      await waitFor('the tailed check', async () => (await checkRows.count()) > n);

      // Back and forward move between the views.
      await page.goBack();
      await page.waitForURL(/\/servers\/everything-stdio$/);
      await page.getByTestId('server-info').waitFor();
      await page.goForward();
      await page.getByTestId('log-lines').waitFor();
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
    }
  },
);
