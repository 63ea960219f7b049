/**
 * Issue 18 point 5: the links in alert notifications open the dashboard where people reach it
 * (`public_url`, else the listening address) at its real paths: the server's page and the alert's
 * history entry.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';

interface Hook {
  url: string;
  alert_url: string | null;
  state: string;
  server: { id: string };
}

async function receiver(): Promise<{ url: string; hits: Hook[]; close: () => Promise<void> }> {
  const hits: Hook[] = [];
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push(JSON.parse(Buffer.concat(chunks).toString()) as Hook);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
  return { url, hits, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

/** A server that is down, a rule on it that fires at once, and a webhook: the firing notification. */
async function firingHook(h: Harness, hookUrl: string, hits: Hook[]): Promise<Hook> {
  const down = await unusedPortUrl();
  const add = await h.app.inject({
    method: 'POST',
    url: '/api/v1/servers',
    payload: {
      name: 'down',
      transport: 'streamable-http',
      url: down.url,
      health_check_interval: 1,
      health_check_retries: 1,
    },
  });
  assert.equal(add.statusCode, 201, add.body);
  const channel = await h.app.inject({
    method: 'POST',
    url: '/api/v1/alerts/channels',
    payload: { name: 'hook', kind: 'webhook', config: { url: hookUrl } },
  });
  assert.equal(channel.statusCode, 201, channel.body);
  const rule = await h.app.inject({
    method: 'POST',
    url: '/api/v1/alerts/rules',
    payload: {
      name: 'Down',
      metric: 'status_offline',
      condition: 'eq',
      threshold: 1,
      evaluation_period: 0,
      channels: [channel.json<{ id: number }>().id],
      // at once: these tests are about the links, not grouping
      group_wait: 0,
    },
  });
  assert.equal(rule.statusCode, 201, rule.body);
  return waitFor('the firing webhook', () =>
    hits.find((x) => x.state === 'firing' && x.server.id === 'down'),
  );
}

for (const kind of await storeKinds()) {
  describe(`alert links (${kind})`, () => {
    let hook: Awaited<ReturnType<typeof receiver>>;
    before(async () => {
      hook = await receiver();
    });
    after(() => hook.close());

    test('with public_url: the server page and the history entry under it', async () => {
      const h = await startHarness({
        kind,
        listen: true,
        settings: { public_url: 'https://monitor.example.org/mcp-health/', alert_evaluation_interval: 1 },
      });
      try {
        const hit = await firingHook(h, hook.url, hook.hits);
        assert.equal(hit.url, 'https://monitor.example.org/mcp-health/servers/down');
        const history = (await h.app.inject({ url: '/api/v1/alerts/history?server=down' })).json<{
          history: { id: number }[];
        }>().history;
        assert.equal(hit.alert_url, `https://monitor.example.org/mcp-health/alerts?id=${history[0]?.id}`);
      } finally {
        await h.destroy();
      }
    });

    test('without it: the listening address, and both links open dashboard pages', async () => {
      hook.hits.length = 0;
      const h = await startHarness({ kind, listen: true, settings: { alert_evaluation_interval: 1 } });
      try {
        const hit = await firingHook(h, hook.url, hook.hits);
        assert.equal(hit.url, `${h.url}/servers/down`);
        assert.match(String(hit.alert_url), new RegExp(`^${h.url}/alerts\\?id=\\d+$`));
        for (const link of [hit.url, String(hit.alert_url)]) {
          const page = await fetch(link, { headers: { accept: 'text/html' } });
          assert.equal(page.status, 200, link);
          assert.match(await page.text(), /<div id="app"|<!doctype html>/i);
        }
      } finally {
        await h.destroy();
      }
    });
  });
}
