/**
 * Issue 17 point 1 in the dashboard: every kind can be chosen with its own fields, secrets typed
 * into password inputs; a PagerDuty channel made in the form receives its test notification.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness } from './helpers/harness.js';
import { providerConfig, providerReceiver } from './helpers/provider-receivers.js';

const skip = browserSkip();

test(
  'channel form: each kind with its fields, secrets as passwords, a PagerDuty channel tested',
  { skip },
  async () => {
    const h = await startHarness({ listen: true });
    const rx = await providerReceiver('pagerduty');
    const b = await openBrowser();
    try {
      const { page } = b;
      await page.goto(`${h.url}/alerts/channels`);
      const kind = page.getByLabel('Kind');
      const options = await kind
        .locator('option')
        .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
      assert.deepEqual([...options].sort(), [
        'dashboard',
        'discord',
        'email',
        'google_chat',
        'log',
        'mattermost',
        'msteams',
        'ntfy',
        'opsgenie',
        'pagerduty',
        'pushover',
        'slack',
        'telegram',
        'webhook',
      ]);
      const secretInputs: Record<string, string[]> = {
        slack: ['url'],
        discord: ['url'],
        msteams: ['url'],
        mattermost: ['url'],
        google_chat: ['url'],
        pagerduty: ['routing_key'],
        opsgenie: ['api_key'],
        telegram: ['bot_token'],
        ntfy: ['token'],
        pushover: ['app_token', 'user_key'],
      };
      for (const [k, names] of Object.entries(secretInputs)) {
        await kind.selectOption(k);
        for (const name of names)
          assert.equal(
            await page.locator(`input[name="${name}"]`).getAttribute('type'),
            'password',
            `${k}.${name}`,
          );
      }
      await kind.selectOption('telegram');
      assert.equal(await page.locator('input[name="chat_id"]').getAttribute('type'), 'text');

      const { config } = providerConfig('pagerduty', rx.base);
      await page.getByLabel('Name', { exact: true }).fill('On-call');
      await kind.selectOption('pagerduty');
      await page.locator('input[name="routing_key"]').fill('short');
      await page.getByRole('button', { name: 'Add channel' }).click();
      await page
        .getByText(/32-character Integration Key/)
        .first()
        .waitFor();
      await page.locator('input[name="routing_key"]').fill(String(config.routing_key));
      await page.locator('input[name="url"]').fill(String(config.url));
      await page.getByRole('button', { name: 'Add channel' }).click();
      const item = page.getByTestId('channels').locator('li', { hasText: 'On-call' });
      await item.waitFor();
      assert.match((await item.textContent()) ?? '', /PagerDuty alert/);
      await item.getByRole('button', { name: 'Send test notification' }).click();
      await item.getByText(/^Delivered/).waitFor();
      assert.equal(rx.hits.length, 1);
      assert.deepEqual(rx.hits[0]?.problems, []);
      assert.equal(rx.hits[0]?.body.routing_key, config.routing_key);
      await b.screenshot('alerts-channels-pagerduty');
    } finally {
      await b.close();
      await rx.close();
      await h.destroy();
    }
  },
);
