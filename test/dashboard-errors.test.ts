/** The Errors page (issue 12, point 5, first part): groups with a trend, a group's samples and stack, its status and note. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startFailingServer } from './fixtures/sdk-servers/failing-tools-server.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness } from './helpers/harness.js';

const skip = browserSkip();

test(
  'errors page: top groups and the trend; a group shows its samples and takes a status and a note',
  { skip },
  async () => {
    const upstream = await startFailingServer();
    const h = await startHarness({ listen: true });
    const b = await openBrowser();
    const client = new Client(
      { name: 'errors-page-client', version: '1.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    try {
      const added = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'failing',
          transport: 'streamable-http',
          url: upstream.url,
          health_check_interval: 3600,
        },
      });
      assert.equal(added.statusCode, 201, added.body);
      await client.connect(new StreamableHTTPClientTransport(new URL(`${h.url}/mcp/failing`)));
      const call = (name: string, args: Record<string, unknown>) =>
        client.callTool({ name, arguments: args }).catch((err: unknown) => err);
      for (let i = 0; i < 3; i++) await call('get_order', { id: randomUUID() });
      await call('read_file', { path: '/srv/data/a/1.json' });
      for (let i = 0; i < 4; i++) await call('ok', {});
      assert.equal((await h.monitor.aggregator.flush()).ok, true);

      const { page } = b;
      await page.goto(`${h.url}/errors`);
      const table = page.getByRole('table', { name: 'Error groups' });
      await table.waitFor();
      const rows = table.locator('tbody tr');
      assert.equal(await rows.count(), 2);
      // Most errors first; the order id (a UUID) is masked, so three calls are one group.
      assert.match((await rows.nth(0).textContent()) ?? '', /3/);
      await page.getByRole('heading', { name: /Errors over time/ }).waitFor();
      assert.match(
        (await page.getByRole('heading', { name: /Errors over time/ }).textContent()) ?? '',
        /4 errors · [\d.]+% of \d+ requests/,
      );
      await b.screenshots('errors');

      await rows.nth(0).getByRole('link').click();
      await page.getByTestId('error-group').waitFor();
      await page.getByRole('table', { name: 'Servers' }).waitFor();
      assert.match((await page.getByRole('table', { name: 'Servers' }).textContent()) ?? '', /failing\s*3/);
      const samples = page.locator('details.sample');
      assert.equal(await samples.count(), 3);
      await samples.first().locator('summary').click();
      await b.screenshots('error-group');

      await page
        .getByRole('form', { name: 'Status and resolution note' })
        .locator('select')
        .selectOption('resolved');
      await page.getByLabel(/How it was fixed/).fill('Orders service redeployed with the cache warm-up');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      const id = /\/errors\/(\d+)/.exec(page.url())?.[1];
      const stored = (await h.app.inject({ method: 'GET', url: `/api/v1/errors/groups/${id}` })).json();
      assert.equal(stored.status, 'resolved');
      assert.equal(stored.resolution_note, 'Orders service redeployed with the cache warm-up');
      assert.deepEqual(b.errors, []);
    } finally {
      await client.close();
      await b.close();
      await h.destroy();
      await upstream.close();
    }
  },
);
