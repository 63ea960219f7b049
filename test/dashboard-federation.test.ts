/** The Federation section (issue 14, point 7): instance cards, fleet totals, a peer going down shown live. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();
const HUB_TOKEN = 'hub-token-dashboard-0123';
const PEER_TOKEN = 'peer-token-dashboard-0123';
const fast = { federation_poll_interval: 1, health_check_retries: 2 };

test(
  'federation page: a card per instance with its link, fleet totals; an unreachable peer says so',
  { skip },
  async () => {
    const hub = await startHarness({
      listen: true,
      settings: { ...fast, api_token: HUB_TOKEN, instance_name: 'hub' },
    });
    const east = await startHarness({
      listen: true,
      settings: { ...fast, api_token: PEER_TOKEN, instance_name: 'east' },
    });
    const west = await startHarness({
      listen: true,
      settings: { ...fast, api_token: PEER_TOKEN, instance_name: 'west' },
    });
    const b = await openBrowser();
    try {
      for (const [name, h] of [
        ['east', east],
        ['west', west],
      ] as const) {
        const res = await hub.app.inject({
          method: 'POST',
          url: '/api/v1/federation/peers',
          headers: { authorization: `Bearer ${HUB_TOKEN}` },
          payload: { name, url: h.url, token: PEER_TOKEN },
        });
        assert.equal(res.statusCode, 201, res.body);
      }
      const { page } = b;
      await page.addInitScript((t) => localStorage.setItem('mcp-health.token', t), HUB_TOKEN);
      await page.goto(`${hub.url}/federation`);
      const cards = page.getByTestId('instance-card');
      await waitFor('three healthy cards', async () => {
        const texts = await cards.allTextContents();
        return texts.length === 3 && texts.every((t) => t.includes('Healthy')) ? texts : null;
      });
      assert.match((await page.getByTestId('fleet-totals').textContent()) ?? '', /Instances\s*3/);
      await b.screenshots('federation');

      await west.stop();
      await waitFor('west unreachable on its card', async () =>
        ((await page.getByRole('article', { name: 'Instance west' }).textContent()) ?? '').includes(
          'Unreachable',
        ),
      );
      assert.match(
        (await page.getByRole('article', { name: 'Instance west' }).textContent()) ?? '',
        /failed polls/,
      );
      await b.screenshots('federation-unreachable');

      // The peers' token is nowhere the browser can read.
      const html = await page.content();
      assert.ok(!html.includes(PEER_TOKEN));
      const stored = await page.evaluate(
        () => JSON.stringify(Object.keys(localStorage).map((k) => localStorage.getItem(k))) + document.cookie,
      );
      assert.ok(!stored.includes(PEER_TOKEN));
      assert.deepEqual(await page.context().cookies(), []);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await Promise.all([hub.destroy(), east.destroy(), west.destroy()]);
    }
  },
);

test(
  "drill-in: a peer's dashboard through the hub, live, with a banner and a way back; its token never in the browser",
  { skip },
  async () => {
    const hub = await startHarness({
      listen: true,
      settings: { ...fast, api_token: HUB_TOKEN, instance_name: 'hub' },
    });
    const east = await startHarness({
      listen: true,
      settings: { ...fast, api_token: PEER_TOKEN, instance_name: 'east' },
    });
    const b = await openBrowser();
    const sentTokens: string[] = [];
    try {
      const add = (name: string) =>
        east.app.inject({
          method: 'POST',
          url: '/api/v1/servers',
          headers: { authorization: `Bearer ${PEER_TOKEN}` },
          payload: {
            name,
            transport: 'streamable-http',
            url: 'http://127.0.0.1:9/mcp',
            health_check_interval: 3600,
          },
        });
      assert.equal((await add('east-one')).statusCode, 201);
      const peer = await hub.app.inject({
        method: 'POST',
        url: '/api/v1/federation/peers',
        headers: { authorization: `Bearer ${HUB_TOKEN}` },
        payload: { name: 'east', url: east.url, token: PEER_TOKEN },
      });
      assert.equal(peer.statusCode, 201, peer.body);
      const { page } = b;
      page.on('request', (r) => {
        const auth = r.headers().authorization;
        if (auth) sentTokens.push(auth);
        sentTokens.push(r.url());
      });
      await page.addInitScript((t) => localStorage.setItem('mcp-health.token', t), HUB_TOKEN);
      await page.goto(`${hub.url}/federation`);
      await page.getByRole('link', { name: 'Open east' }).click();
      await page.waitForURL(/\/federation\/peers\/east\/$/);
      const banner = page.getByTestId('via-banner');
      assert.match((await banner.textContent()) ?? '', /Viewing east through hub/);
      // east's own grid, read through the hub's proxy with east's token.
      await page.getByText('east-one').first().waitFor();
      await page.locator('[data-testid=connection].live').waitFor();
      // Live updates come through the proxied socket: a server added on east appears without a reload.
      assert.equal((await add('east-two')).statusCode, 201);
      await page.getByText('east-two').first().waitFor();
      await b.screenshots('federation-drill-in');
      // A link inside stays under the drill-in path.
      await page.getByRole('link', { name: 'Errors' }).click();
      await page.waitForURL(/\/federation\/peers\/east\/errors$/);
      await page.getByTestId('errors').waitFor();

      const html = await page.content();
      assert.ok(!html.includes(PEER_TOKEN));
      assert.deepEqual(await page.context().cookies(), []);
      assert.ok(sentTokens.length > 0 && !sentTokens.some((t) => t.includes(PEER_TOKEN)));

      await page.getByRole('link', { name: 'back to hub' }).click();
      await page.waitForURL(/\/federation$/);
      await page.getByRole('heading', { name: 'Federation' }).waitFor();
      assert.equal(await page.getByTestId('via-banner').count(), 0);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await Promise.all([hub.destroy(), east.destroy()]);
    }
  },
);
