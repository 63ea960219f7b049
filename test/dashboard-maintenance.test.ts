/**
 * Issue 17 point 5 in the dashboard: a server in a maintenance window says Maintenance on its
 * card (checks go on); the Maintenance page lists windows, makes a recurring one, edits and
 * deletes it. Screenshots at desktop and phone widths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness } from './helpers/harness.js';

const skip = browserSkip();

test(
  'maintenance: the card badge, and the page to list, create, edit and delete windows',
  { skip },
  async () => {
    const h = await startHarness({ listen: true });
    const b = await openBrowser();
    try {
      const api = (method: 'POST' | 'GET', url: string, payload?: object) =>
        h.app.inject({ method, url, ...(payload ? { payload } : {}) });
      for (const [name, tags] of [
        ['Billing DB', ['db']],
        ['Search', []],
      ] as const) {
        const { url } = await unusedPortUrl();
        const r = await api('POST', '/api/v1/servers', { name, transport: 'streamable-http', url, tags });
        assert.equal(r.statusCode, 201, r.body);
      }
      const w = await api('POST', '/api/v1/maintenance', {
        title: 'DB upgrade',
        tags: ['db'],
        starts_at: new Date(Date.now() - 60_000).toISOString(),
        duration_minutes: 120,
      });
      assert.equal(w.statusCode, 201, w.body);

      const { page } = b;
      await page.goto(`${h.url}/`);
      const card = page.locator('[data-testid="server-card"][data-server="billing-db"]');
      await card.waitFor();
      assert.equal(await card.getAttribute('data-maintenance'), 'true');
      assert.match(await card.getByTestId('status').innerText(), /Maintenance/);
      assert.match(await card.getByTestId('reason').innerText(), /DB upgrade until/);
      const other = page.locator('[data-testid="server-card"][data-server="search"]');
      assert.equal(await other.getAttribute('data-maintenance'), null);
      assert.doesNotMatch(await other.getByTestId('status').innerText(), /Maintenance/);
      await b.screenshots('maintenance-card');

      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Maintenance' })
        .click();
      const table = page.getByTestId('maintenance');
      await table.getByText('DB upgrade').waitFor();
      assert.match(await table.locator('tr', { hasText: 'DB upgrade' }).innerText(), /in force/);

      await page.getByLabel('Title').fill('Weekly restart');
      await page.getByLabel('Servers').selectOption('search');
      await page.getByLabel('Starts (local time in the zone)').fill('2027-03-27T02:30');
      await page.getByLabel('For (minutes)').fill('30');
      await page.getByLabel('Time zone').fill('Europe/Berlin');
      await page.getByLabel('Repeats').selectOption('weekly');
      await page.getByRole('button', { name: 'Add window' }).click();
      const row = table.locator('tr', { hasText: 'Weekly restart' });
      await row.waitFor();
      assert.match(await row.innerText(), /weekly/);
      assert.match(await row.innerText(), /Europe\/Berlin/);
      await b.screenshots('maintenance-page');

      // A bad cron expression is named; then the window is edited.
      await row.getByRole('button', { name: 'Edit' }).click();
      await page.getByLabel('Repeats').selectOption('cron');
      await page.getByLabel('cron expression').fill('99 * * * *');
      await page.getByRole('button', { name: 'Save window' }).click();
      await page
        .getByText(/minute/)
        .first()
        .waitFor();
      await page.getByLabel('cron expression').fill('30 2 * * 0');
      await page.getByLabel('Title').fill('Sunday restart');
      await page.getByRole('button', { name: 'Save window' }).click();
      const edited = table.locator('tr', { hasText: 'Sunday restart' });
      await edited.waitFor();
      assert.match(await edited.innerText(), /cron 30 2 \* \* 0/);
      const list = (await api('GET', '/api/v1/maintenance')).json<{ maintenance: { title: string }[] }>();
      assert.deepEqual(list.maintenance.map((m) => m.title).sort(), ['DB upgrade', 'Sunday restart']);

      await edited.getByRole('button', { name: 'Delete' }).click();
      await edited.waitFor({ state: 'detached' });
      assert.deepEqual(
        b.errors.filter((e) => !e.includes('400')),
        [],
      );
    } finally {
      await b.close();
      await h.destroy();
    }
  },
);
