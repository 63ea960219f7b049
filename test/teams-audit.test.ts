/**
 * Issue 15 point 4: the audit log has a row, with its actor, for every kind of change and action
 * made through the API — servers, rules, channels (credentials redacted), silences, alert
 * actions, users, tokens, sign-ins and failed sign-ins — and reads back by time, actor and target.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { historyRepo } from '../src/alerts/history-repo.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { addUser, admin, BOOTSTRAP, signIn } from './helpers/teams.js';

interface Entry {
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
}

for (const kind of await storeKinds()) {
  describe(`the audit log (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ kind, settings: { api_token: BOOTSTRAP } });
      await addUser(h, 'olga', 'operator');
    });
    after(() => h.destroy());

    test('every change kind is recorded with who made it; secrets never', async () => {
      const { cookie, csrf } = await signIn(h, 'olga');
      const as = { cookie, 'x-csrf-token': csrf };
      const call = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
        const r = await h.app.inject({ method, url, headers: as, ...(payload ? { payload } : {}) });
        assert.ok(r.statusCode < 300, `${method} ${url}: ${r.statusCode} ${r.body}`);
        return r.statusCode === 204 ? { id: 0 } : r.json<{ id: number }>();
      };
      await call('POST', '/api/v1/servers', {
        name: 'audited',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        headers: { authorization: 'Bearer server-secret-value-123' },
        health_check_interval: 3600,
      });
      await call('PATCH', '/api/v1/servers/audited', { health_check_interval: 1800 });
      await call('POST', '/api/v1/servers/audited/disable', { minutes: 5 });
      await call('POST', '/api/v1/servers/audited/enable');
      const rule = await call('POST', '/api/v1/alerts/rules', {
        name: 'Slow',
        metric: 'response_time_avg',
        condition: 'gt',
        threshold: 500,
        evaluation_period: 300,
      });
      await call('PATCH', `/api/v1/alerts/rules/${rule.id}`, { threshold: 800 });
      const channel = await call('POST', '/api/v1/alerts/channels', {
        name: 'hook',
        kind: 'webhook',
        config: { url: 'http://127.0.0.1:9/hook', secret: 'channel-secret-value-456', retries: 0 },
      });
      const silence = await call('POST', '/api/v1/alerts/silences', {
        server_id: 'audited',
        ends_at: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const entry = await historyRepo.insertFiring(h.monitor.store.db, {
        ruleId: rule.id,
        ruleName: 'Slow',
        serverId: 'audited',
        triggeredAt: Date.now() - 60_000,
        value: 900,
        severity: 'warning',
        snapshot: { status: 'online', response_time_ms: 900, error_rate: 0, rps: 1 },
      });
      await call('POST', `/api/v1/alerts/history/${entry}/ack`, { comment: 'looking' });
      await call('DELETE', `/api/v1/alerts/silences/${silence.id}`);
      await call('DELETE', `/api/v1/alerts/channels/${channel.id}`);
      await call('DELETE', `/api/v1/alerts/rules/${rule.id}`);
      await call('DELETE', '/api/v1/servers/audited');
      const token = await call('POST', '/api/v1/tokens', { name: 'ci', role: 'viewer' });
      await call('DELETE', `/api/v1/tokens/${token.id}`);
      const user = await h.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin,
        payload: { name: 'pat', role: 'viewer', password: 'pat has a long password' },
      });
      await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${user.json().id}`,
        headers: admin,
        payload: { role: 'operator' },
      });
      await h.app.inject({ method: 'DELETE', url: `/api/v1/users/${user.json().id}`, headers: admin });
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'olga', password: 'not the password at all' },
      });

      const read = await h.app.inject({ url: '/api/v1/audit?limit=1000', headers: admin });
      assert.equal(read.statusCode, 200, read.body);
      const entries = read.json<{ entries: Entry[] }>().entries;
      const by = (action: string, target?: string) =>
        entries.filter((e) => e.action === action && (target === undefined || e.target === target));
      const olga = [
        ['server.create', 'audited'],
        ['server.update', 'audited'],
        ['server.disable', 'audited'],
        ['server.enable', 'audited'],
        ['server.delete', 'audited'],
        ['createRule', String(rule.id)],
        ['updateRule', String(rule.id)],
        ['deleteRule', String(rule.id)],
        ['createChannel', String(channel.id)],
        ['deleteChannel', String(channel.id)],
        ['createSilence', String(silence.id)],
        ['deleteSilence', String(silence.id)],
        ['acknowledgeAlert', String(entry)],
        ['token.create', `token:${token.id}`],
        ['token.delete', `token:${token.id}`],
        ['login', null],
      ] as const;
      assert.equal(
        entries.filter((e) => e.target === 'audited').length,
        5,
        'one row per change of the server',
      );
      for (const [action, target] of olga) {
        const rows = by(action, target ?? undefined);
        assert.ok(
          rows.length >= 1,
          `${action} ${target}: ${JSON.stringify(entries.map((e) => [e.action, e.target]))}`,
        );
        assert.ok(
          rows.every((r) => r.actor === 'olga'),
          `${action} by olga: ${JSON.stringify(rows)}`,
        );
      }
      for (const action of ['user.create', 'user.update', 'user.delete'])
        assert.equal(by(action, 'user:pat')[0]?.actor, 'api-token', action);
      assert.deepEqual(by('user.update', 'user:pat')[0]?.details, {
        before: { role: 'viewer' },
        after: { role: 'operator' },
      });
      assert.equal(by('login.failed', 'user:olga')[0]?.actor, 'olga');
      const text = JSON.stringify(entries);
      for (const secret of [
        'server-secret-value-123',
        'channel-secret-value-456',
        'pat has a long password',
        'not the password',
      ])
        assert.ok(!text.includes(secret), `${secret} is not in the audit log`);
      assert.ok(!text.includes('a long enough password'));
    });

    test('read by actor, target and time; admins only', async () => {
      const olga = (await h.app.inject({ url: '/api/v1/audit?actor=olga&limit=1000', headers: admin })).json<{
        entries: Entry[];
      }>().entries;
      assert.ok(olga.length > 10);
      assert.ok(olga.every((e) => e.actor === 'olga'));
      const server = (await h.app.inject({ url: '/api/v1/audit?target=audited', headers: admin })).json<{
        entries: Entry[];
      }>().entries;
      assert.ok(server.length >= 5 && server.every((e) => e.target === 'audited'));
      const times = server.map((e) => Date.parse(e.at));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        'newest first',
      );
      const future = Date.now() + 3_600_000;
      const none = await h.app.inject({
        url: `/api/v1/audit?from=${future}&to=${future + 1000}`,
        headers: admin,
      });
      assert.deepEqual(none.json(), { entries: [] });
      const bad = await h.app.inject({
        url: `/api/v1/audit?from=${future}&to=${future - 1000}`,
        headers: admin,
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /query\.from/);
      const { cookie } = await signIn(h, 'olga');
      assert.equal((await h.app.inject({ url: '/api/v1/audit', headers: { cookie } })).statusCode, 403);
    });
  });
}
