import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signBody, SIGNATURE_HEADER } from '../src/alerts/channels/webhook.js';
import { REDACTED } from '../src/shared/scrubber.js';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';
import { startModernServer, type SdkServerHandle } from './fixtures/sdk-servers/modern-http-server.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();

interface Received {
  body: { state: string; rule: { id: number }; server: { id: string }; test?: boolean };
  signed: boolean;
}

/** A real HTTP receiver for webhooks; verifies the HMAC. */
async function receiver(
  secret: string,
): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      got.push({
        body: JSON.parse(raw) as Received['body'],
        signed: req.headers[SIGNATURE_HEADER.toLowerCase()] === signBody(secret, raw),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo; // safe because listen() on TCP resolved
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

for (const kind of kinds)
  describe(`alerts API (${kind})`, () => {
    let h: Harness;
    let hook: Awaited<ReturnType<typeof receiver>>;
    let upstream: SdkServerHandle | undefined;
    before(async () => {
      hook = await receiver('s3cret-value');
      h = await startHarness({ kind });
    });
    after(async () => {
      await upstream?.close();
      await h.destroy();
      await hook.close();
    });

    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      h.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

    test('default rules are seeded once; rule CRUD and validation', async () => {
      const rules = (await api('GET', '/api/v1/alerts/rules')).json().rules as { name: string }[];
      assert.deepEqual(
        rules.map((r) => r.name),
        ['Server offline', 'Error rate above 5%'],
      );
      const bad = await api('POST', '/api/v1/alerts/rules', {
        name: 'x',
        metric: 'nope',
        condition: 'gt',
        threshold: 1,
      });
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.body.includes('metric'), bad.body);
      const created = await api('POST', '/api/v1/alerts/rules', {
        name: 'Slow',
        metric: 'response_time_avg',
        condition: 'gt',
        threshold: 500,
        evaluation_period: 300,
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().id as number;
      assert.equal(
        (await api('PATCH', `/api/v1/alerts/rules/${id}`, { threshold: 800 })).json().threshold,
        800,
      );
      assert.equal((await api('GET', `/api/v1/alerts/rules/${id}`)).json().threshold, 800);
      const badPatch = await api('PATCH', `/api/v1/alerts/rules/${id}`, { severity: 'huge' });
      assert.equal(badPatch.statusCode, 400);
      assert.ok(badPatch.body.includes('severity'));
      assert.equal((await api('DELETE', `/api/v1/alerts/rules/${id}`)).statusCode, 204);
      assert.equal((await api('GET', `/api/v1/alerts/rules/${id}`)).statusCode, 404);
      assert.equal((await api('PATCH', '/api/v1/alerts/rules/9999', { threshold: 1 })).statusCode, 404);
    });

    test('channel CRUD redacts secrets and keeps them on PATCH; test notification', async () => {
      const bad = await api('POST', '/api/v1/alerts/channels', {
        name: 'w',
        kind: 'webhook',
        config: { url: 'nope' },
      });
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.body.includes('config.url'), bad.body);
      const created = await api('POST', '/api/v1/alerts/channels', {
        name: 'hook',
        kind: 'webhook',
        config: { url: hook.url, secret: 's3cret-value', retries: 0 },
      });
      assert.equal(created.statusCode, 201, created.body);
      const c = created.json();
      assert.equal(c.config.secret, REDACTED);
      assert.ok(!(await api('GET', '/api/v1/alerts/channels')).body.includes('s3cret-value'));
      const patched = await api('PATCH', `/api/v1/alerts/channels/${c.id}`, {
        name: 'hook 2',
        config: { ...c.config, secret: REDACTED },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().config.secret, REDACTED);
      const tested = await api('POST', `/api/v1/alerts/channels/${c.id}/test`);
      assert.equal(tested.statusCode, 200, tested.body);
      assert.equal(tested.json().ok, true);
      assert.equal(tested.json().tries.length, 1);
      assert.equal(hook.got.length, 1);
      assert.ok(hook.got[0]?.signed, 'the kept secret signs the test webhook');
      assert.equal(hook.got[0]?.body.test, true);
      hook.got.length = 0;
      assert.equal((await api('GET', '/api/v1/alerts/channels/9999')).statusCode, 404);
      const tmp = (await api('POST', '/api/v1/alerts/channels', { name: 'l', kind: 'log' })).json();
      assert.equal((await api('POST', `/api/v1/alerts/channels/${tmp.id}/test`)).json().ok, true);
      const audit = await h.monitor.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('actor', '=', 'alerts')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['alert.firing'],
        'the log channel writes an audit row',
      );
      assert.equal((await api('DELETE', `/api/v1/alerts/channels/${tmp.id}`)).statusCode, 204);
      assert.equal((await api('DELETE', `/api/v1/alerts/channels/${tmp.id}`)).statusCode, 404);
    });

    test('server offline fires once, resolves, and a restart while firing sends nothing', async () => {
      const channels = (await api('GET', '/api/v1/alerts/channels')).json().channels as { id: number }[];
      const rules = (await api('GET', '/api/v1/alerts/rules')).json().rules as { id: number; name: string }[];
      const offline = rules.find((r) => r.name === 'Server offline');
      assert.ok(offline);
      // group_wait 0: each notification at once (grouping has its own test, alerts-grouping)
      await api('PATCH', `/api/v1/alerts/rules/${offline.id}`, {
        channels: channels.map((c) => c.id),
        group_wait: 0,
      });
      const { url, port } = await unusedPortUrl();
      const made = await api('POST', '/api/v1/servers', {
        name: 'Flaky',
        transport: 'streamable-http',
        url,
        health_check_interval: 1,
      });
      assert.equal(made.statusCode, 201, made.body);
      await waitFor('firing webhook', () => hook.got.some((g) => g.body.state === 'firing'));
      const server = (await api('GET', '/api/v1/servers/flaky')).json();
      assert.equal(server.status, 'offline');
      assert.ok(server.consecutive_failures >= 3, `fired after ${server.consecutive_failures} failures`);
      const active = (await api('GET', '/api/v1/alerts/active')).json().alerts as { server_id: string }[];
      assert.deepEqual(
        active.map((a) => a.server_id),
        ['flaky'],
      );

      // Restart while firing: nothing new is sent.
      const target = h.target;
      await h.stop();
      h = await startHarness({ target });
      await new Promise((r) => setTimeout(r, 3500));
      assert.equal(hook.got.length, 1, JSON.stringify(hook.got));
      assert.equal((await api('GET', '/api/v1/alerts/rules')).json().rules.length, 2, 'defaults seeded once');
      assert.equal((await api('GET', '/api/v1/alerts/active')).json().alerts.length, 1, 'still firing');
      assert.equal(hook.got[0]?.body.server.id, 'flaky');
      assert.ok(hook.got[0]?.signed);

      upstream = await startModernServer({ port });
      await waitFor('resolved webhook', () => hook.got.some((g) => g.body.state === 'resolved'), 30_000);
      assert.equal(hook.got.length, 2);
      const history = (await api('GET', '/api/v1/alerts/history?server=flaky')).json().history as {
        triggered_at: string;
        resolved_at: string | null;
        state: string;
        snapshot: { status: string } | null;
      }[];
      assert.equal(history.length, 1);
      assert.equal(history[0]?.state, 'resolved');
      assert.ok(history[0]?.triggered_at);
      assert.ok(history[0]?.resolved_at);
      assert.equal(history[0]?.snapshot?.status, 'offline');
      assert.equal((await api('GET', '/api/v1/alerts/history?state=firing')).json().history.length, 0);
      assert.equal((await api('GET', '/api/v1/alerts/history?rule=abc')).statusCode, 400);
    });
  });
