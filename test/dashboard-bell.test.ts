import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEverythingHttp } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';

const skip = browserSkip();

test(
  'the bell: firing alerts of rules without a channel, notifications kept across a reload with their read state, values with their unit',
  { skip },
  async () => {
    const upstream = await startEverythingHttp();
    const h = await startHarness({ listen: true, settings: { alert_evaluation_interval: 1 } });
    const b = await openBrowser({ width: 1400 });
    try {
      const add = async (payload: Record<string, unknown>) => {
        const res = await h.app.inject({ method: 'POST', url: '/api/v1/servers', payload });
        assert.equal(res.statusCode, 201, res.body);
      };
      // A rule with no channel on a figure with decimals: its value is shown with unit and rounding.
      const rule = await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/rules',
        payload: { name: 'Any latency', metric: 'response_time_avg', condition: 'gt', threshold: 0 },
      });
      assert.equal(rule.statusCode, 201, rule.body);
      await add({
        name: 'answering',
        transport: 'streamable-http',
        url: upstream.url,
        health_check_interval: 1,
      });
      const { page } = b;
      await page.goto(h.url);
      await page.getByTestId('server-card').first().waitFor();
      // The built-in "Server offline" rule notifies no channel; its alert reaches the bell all the same.
      await add({
        name: 'gone',
        transport: 'streamable-http',
        url: (await unusedPortUrl()).url,
        health_check_interval: 1,
      });
      await page.waitForSelector('[data-testid="unread"]', { timeout: 30_000 });
      await waitFor('both alerts firing', async () => {
        const active = (await h.app.inject({ method: 'GET', url: '/api/v1/alerts/active' })).json().alerts;
        return active.length === 2;
      });
      await waitFor('two unread', async () => Number(await page.getByTestId('unread').textContent()) >= 2);
      assert.match((await page.getByTestId('bell').getAttribute('aria-label')) ?? '', /2 alerts firing/);

      await page.getByTestId('bell').click();
      const dialog = page.getByRole('dialog', { name: 'Notifications' });
      const firing = dialog.getByTestId('firing');
      await waitFor('two firing alerts listed', async () => (await firing.locator('li').count()) === 2);
      const offline = await firing.locator('li', { hasText: 'Server offline' }).innerText();
      assert.match(offline, /Server offline on gone\s+offline · since/);
      const latency = await firing.locator('li', { hasText: 'Any latency' }).innerText();
      assert.match(latency, /Any latency on answering\s+\d+(\.\d{1,2})? ms · since/);
      const notices = dialog.getByTestId('notices');
      assert.match(await notices.innerText(), /\[FIRING\] Server offline on gone/);
      assert.equal(await notices.locator('li.new').count(), 2, 'the unread ones marked new');
      assert.equal(await page.getByTestId('unread').count(), 0, 'opening the list reads them');
      await b.screenshots('bell');

      // A reload keeps the notifications, read.
      await waitFor('read in the store', async () => {
        const r = (await h.app.inject({ method: 'GET', url: '/api/v1/notifications' })).json();
        return r.unread === 0 && r.notifications.length >= 2;
      });
      await page.reload();
      await page.getByTestId('server-card').first().waitFor();
      await page.getByTestId('bell').click();
      await dialog.getByTestId('notices').waitFor();
      assert.match(await dialog.getByTestId('notices').innerText(), /Server offline on gone/);
      assert.equal(await dialog.locator('li.new').count(), 0);
      assert.equal(await page.getByTestId('unread').count(), 0);

      // The history shows the same values with their unit.
      await page.goto(`${h.url}/alerts`);
      const rows = page.getByTestId('history').locator('tbody tr');
      await rows.first().waitFor();
      const value = (hasText: string) => rows.filter({ hasText }).first().getByTestId('value').innerText();
      assert.equal(await value('Server offline'), 'offline');
      assert.match(await value('Any latency'), /^\d+(\.\d{1,2})? ms$/);
      await rows.filter({ hasText: 'Any latency' }).first().getByRole('button').first().click();
      await page.getByTestId('alert-detail').getByTestId('snapshot').waitFor();
      assert.match(await page.getByTestId('detail-value').innerText(), /^\d+(\.\d{1,2})? ms$/);
      await b.screenshots('alert-history');
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
      await upstream.stop();
    }
  },
);
