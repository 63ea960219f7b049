import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEverythingHttp } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();

test(
  'alerts in the dashboard: rules in plain words, a live notification with the unread count, firing marks, history actions',
  { skip },
  async () => {
    const upstream = await startEverythingHttp();
    const h = await startHarness({ listen: true, settings: { alert_evaluation_interval: 1 } });
    const b = await openBrowser();
    try {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'watched',
          transport: 'streamable-http',
          url: upstream.url,
          health_check_interval: 1,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { page } = b;

      await page.goto(`${h.url}/alerts/channels`);
      await page.getByLabel('Name', { exact: true }).fill('Bell');
      await page.getByLabel('Kind').selectOption('dashboard');
      await page.getByRole('button', { name: 'Add channel' }).click();
      await page.getByTestId('channels').getByRole('heading', { name: 'Bell' }).waitFor();

      await page.getByRole('link', { name: 'Rules' }).click();
      await page.waitForURL(/\/alerts\/rules$/);
      // "Response Time > 500 ms" for 5 minutes, in plain words, on all servers by default.
      await page.getByLabel('Name', { exact: true }).fill('Slow');
      await page.getByLabel('When').selectOption('response_time_avg');
      await page.getByLabel('Threshold in ms').fill('500');
      await page.getByLabel('For (evaluation period', { exact: false }).fill('5');
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page
        .getByText('Response time (average) > 500 ms, for 5 minutes, on all servers')
        .first()
        .waitFor();
      await page.getByLabel('Name', { exact: true }).fill('Down');
      await page.getByLabel('When').selectOption('status_offline');
      await page.getByLabel('For (evaluation period', { exact: false }).fill('0');
      await page.getByLabel('Bell').check();
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByText('Server is Offline, at once, on all servers').first().waitFor();
      const rules = (await h.app.inject({ method: 'GET', url: '/api/v1/alerts/rules' })).json().rules;
      const slow = rules.find((r: { name: string }) => r.name === 'Slow');
      assert.deepEqual(
        {
          metric: slow.metric,
          condition: slow.condition,
          threshold: slow.threshold,
          period: slow.evaluation_period,
          servers: slow.servers,
        },
        { metric: 'response_time_avg', condition: 'gt', threshold: 500, period: 300, servers: null },
      );

      await page.getByRole('link', { name: 'Servers' }).click();
      const card = page.locator('[data-testid="server-card"][data-server="watched"]');
      await card.waitFor();
      assert.equal(await page.getByTestId('unread').count(), 0);
      await upstream.stop();
      await page.waitForSelector('[data-testid="unread"]', { timeout: 30_000 });
      assert.match((await page.getByTestId('unread').textContent()) ?? '', /^[1-9]/);
      await card.getByTestId('card-alert').waitFor({ timeout: 10_000 });
      assert.match((await card.getByTestId('card-alert').textContent()) ?? '', /[1-9] alerts? firing/);
      await page.getByTestId('bell').click();
      await page.getByRole('dialog', { name: 'Notifications' }).getByText(/Down/).first().waitFor();
      assert.equal(await page.getByTestId('unread').count(), 0, 'opening the list reads them');
      await b.screenshot('alerts-bell');

      await page.goto(`${h.url}/alerts`);
      const history = page.getByTestId('history');
      await history.waitFor();
      await history.locator('tbody tr', { hasText: 'Down' }).first().getByRole('button').click();
      const detail = page.getByTestId('alert-detail');
      await detail.getByTestId('snapshot').waitFor();
      assert.match((await detail.getByTestId('snapshot').textContent()) ?? '', /status (offline|critical)/);
      await detail.getByLabel('Your name').fill('Ada');
      await detail.getByLabel('Comment').fill('looking into it');
      await detail.getByRole('button', { name: 'Acknowledge' }).click();
      await detail.getByText('Acknowledged by Ada').waitFor();
      await detail.getByLabel('Comment').fill('the upstream was stopped by the test');
      await detail.getByRole('button', { name: 'Add comment' }).click();
      await detail.getByRole('button', { name: 'Silence for' }).click();
      const actions = detail.getByTestId('actions');
      await waitFor('three actions', async () => (await actions.locator('li').count()) === 3);
      const text = await actions.innerText();
      assert.match(text, /Ada acknowledged at .+: “looking into it”/);
      assert.match(text, /Ada commented at .+: “the upstream was stopped by the test”/);
      assert.match(text, /Ada silenced until .+ at /);
      await b.screenshot('alerts-history');
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
      await upstream.stop();
    }
  },
);
