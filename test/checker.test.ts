import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startModernServer, type SdkServerHandle } from './fixtures/sdk-servers/modern-http-server.js';
import {
  startHangingServer,
  startUnauthorisedServer,
  unusedPortUrl,
} from './fixtures/fault-servers/http-faults.js';
import { everythingEntry, startEverythingHttp, type EverythingHttp } from './helpers/everything.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();

for (const kind of kinds) {
  describe(`health checker through the API (${kind})`, () => {
    let h: Harness;
    let everything: EverythingHttp;
    const cleanups: (() => Promise<void>)[] = [];
    before(async () => {
      h = await startHarness({ kind, listen: true, settings: { health_check_timeout: 5 } });
      everything = await startEverythingHttp();
      cleanups.push(() => everything.stop());
    });
    after(async () => {
      await h.destroy();
      for (const c of cleanups) await c();
    });

    const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
      const res = await h.app.inject({
        method,
        url,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const add = async (body: Record<string, unknown>) => {
      const res = await api('POST', '/api/v1/servers', body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const server = async (id: string) => (await api('GET', `/api/v1/servers/${id}`)).body;
    const forceCheck = async (id: string) => {
      const res = await api('POST', `/api/v1/servers/${id}/check`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as {
        check: { ok: boolean; error: string | null; status: string };
        server: Record<string, unknown>;
      };
    };

    test('real servers: protocol version, serverInfo and tool count are recorded', async () => {
      const modern = await startModernServer({ name: 'modern-fixture' });
      cleanups.push(() => modern.close());
      const ids = {
        stdio: await add({
          name: 'everything stdio',
          transport: 'stdio',
          command: process.execPath,
          args: [everythingEntry(), 'stdio'],
          health_check_interval: 3600,
        }),
        http: await add({
          name: 'everything http',
          transport: 'streamable-http',
          url: everything.url,
          health_check_interval: 3600,
        }),
        modern: await add({
          name: 'modern',
          transport: 'streamable-http',
          url: modern.url,
          health_check_interval: 3600,
        }),
      };
      for (const id of [ids.stdio, ids.http]) {
        const { check, server: s } = await forceCheck(id);
        assert.equal(check.ok, true, `${id}: ${check.error}`);
        assert.equal(s.status, 'healthy');
        assert.equal(s.protocol_era, 'legacy');
        assert.match(String(s.protocol_version), /^20\d\d-\d\d-\d\d$/);
        assert.equal((s.server_info as { name: string }).name, 'mcp-servers/everything');
        assert.ok(Number(s.tool_count) > 5, `${id} tool count ${String(s.tool_count)}`);
      }
      const { check, server: m } = await forceCheck(ids.modern);
      assert.equal(check.ok, true, check.error ?? '');
      assert.equal(m.protocol_era, 'modern');
      assert.equal(m.protocol_version, '2026-07-28');
      assert.deepEqual(m.server_info, { name: 'modern-fixture', version: '1.2.3' });
      assert.equal(m.tool_count, 2);
      const checks = (await api('GET', `/api/v1/servers/${ids.modern}/checks?limit=5`)).body.checks;
      assert.equal(checks[0].metadata.method, 'server/discover');

      const logs = (await api('GET', `/api/v1/servers/${ids.stdio}/logs`)).body;
      assert.ok(
        logs.logs.some((l: { line: string }) => /STDIO/i.test(l.line)),
        JSON.stringify(logs.logs),
      );
      assert.ok(logs.checks.length >= 1);
      for (const id of Object.values(ids)) await api('DELETE', `/api/v1/servers/${id}`);
    });

    test('failures: 1 and 2 → critical, the 3rd → offline, one success → healthy again', async () => {
      const { url, port } = await unusedPortUrl();
      const id = await add({ name: 'flaky', transport: 'streamable-http', url, health_check_interval: 3600 });
      // A new server also gets one check at once from the scheduler, which may land between two
      // forced ones: the status is judged against the failure count each answer reports.
      let s: Record<string, unknown> = {};
      for (let i = 0; i < 3 && Number(s.consecutive_failures ?? 0) < 3; i++) {
        const r = await forceCheck(id);
        assert.equal(r.check.ok, false);
        assert.match(r.check.error ?? '', /connection refused/);
        s = r.server;
        const failures = Number(s.consecutive_failures);
        assert.equal(s.status, failures >= 3 ? 'offline' : 'critical', `after ${failures} failures`);
      }
      assert.ok(Number(s.consecutive_failures) >= 3, String(s.consecutive_failures));
      const revived: SdkServerHandle = await startModernServer({ port });
      cleanups.push(() => revived.close());
      const ok = await forceCheck(id);
      assert.equal(ok.check.ok, true, ok.check.error ?? '');
      assert.equal(ok.server.status, 'healthy');
      assert.equal(ok.server.consecutive_failures, 0);
    });

    test('a new reported version is recorded as a deployment event', async () => {
      const v1 = await startModernServer({ name: 'deployed', version: '1.0.0' });
      const id = await add({
        name: 'deployed',
        transport: 'streamable-http',
        url: v1.url,
        health_check_interval: 3600,
      });
      assert.deepEqual((await forceCheck(id)).server.server_info, { name: 'deployed', version: '1.0.0' });
      await v1.close();
      const v2 = await startModernServer({ name: 'deployed', version: '1.1.0', port: v1.port });
      cleanups.push(() => v2.close());
      assert.deepEqual((await forceCheck(id)).server.server_info, { name: 'deployed', version: '1.1.0' });
      const events = (await api('GET', `/api/v1/servers/${id}/logs`)).body.events as {
        kind: string;
        message: string;
      }[];
      assert.ok(
        events.some((e) => e.kind === 'deployment' && e.message === 'version 1.0.0 → 1.1.0'),
        JSON.stringify(events),
      );
    });

    test('latency thresholds: 600 ms → warning, 1,200 ms → critical', async () => {
      const slow = await startModernServer({ latencyMs: 600 });
      const slower = await startModernServer({ latencyMs: 1200 });
      cleanups.push(
        () => slow.close(),
        () => slower.close(),
      );
      const a = await add({
        name: 'slow',
        transport: 'streamable-http',
        url: slow.url,
        health_check_interval: 3600,
      });
      const b = await add({
        name: 'slower',
        transport: 'streamable-http',
        url: slower.url,
        health_check_interval: 3600,
      });
      const ra = await forceCheck(a);
      assert.equal(ra.server.status, 'warning', JSON.stringify(ra.server));
      assert.match(String(ra.server.status_reason), /≥ 500 ms/);
      const rb = await forceCheck(b);
      assert.equal(rb.server.status, 'critical', JSON.stringify(rb.server));
    });

    test('fault servers each fail with their own reason', async () => {
      const hanging = await startHangingServer();
      const unauthorised = await startUnauthorisedServer(401);
      cleanups.push(
        () => hanging.close(),
        () => unauthorised.close(),
      );
      const cases: [Record<string, unknown>, RegExp][] = [
        [
          { name: 'hangs', transport: 'streamable-http', url: hanging.url, health_check_timeout: 1 },
          /^timed out after 1000 ms$/,
        ],
        [{ name: 'needs auth', transport: 'streamable-http', url: unauthorised.url }, /HTTP 401/],
        [
          { name: 'no such command', transport: 'stdio', command: 'mcp-health-no-such-command-xyz' },
          /not found/,
        ],
        [
          { name: 'exits', transport: 'stdio', command: process.execPath, args: ['-e', 'process.exit(3)'] },
          /exited with code 3/,
        ],
      ];
      for (const [body, reason] of cases) {
        const id = await add({ ...body, health_check_interval: 3600 });
        const r = await forceCheck(id);
        assert.equal(r.check.ok, false);
        assert.match(r.check.error ?? '', reason, id);
        assert.equal(r.server.last_error, r.check.error);
      }
      assert.equal((await api('GET', '/healthz')).status, 200);
    });

    test('disable until a time: no probes meanwhile, enabled again on time; enable works', async () => {
      const target = await startModernServer();
      cleanups.push(() => target.close());
      const id = await add({
        name: 'pausable',
        transport: 'streamable-http',
        url: target.url,
        health_check_interval: 1,
      });
      await waitFor('first check', async () => (await server(id)).status === 'healthy');
      const d = await api('POST', `/api/v1/servers/${id}/disable`, { minutes: 10, reason: 'maintenance' });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      assert.equal(d.body.status, 'disabled');
      assert.equal(d.body.disabled_reason, 'maintenance');
      assert.ok(Date.parse(d.body.disabled_until) > Date.now() + 9 * 60_000);
      const count = async () =>
        (await api('GET', `/api/v1/servers/${id}/checks?limit=1000`)).body.checks.length as number;
      await new Promise((r) => setTimeout(r, 1500));
      const before = await count();
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(await count(), before, 'no checks while disabled');
      assert.equal((await api('POST', `/api/v1/servers/${id}/check`)).status, 409);
      assert.equal((await api('POST', `/api/v1/servers/${id}/enable`)).body.status, 'disabled');
      await waitFor(
        'checks resume after enable',
        async () => (await count()) > before && (await server(id)).status === 'healthy',
      );

      const until = new Date(Date.now() + 2000).toISOString();
      assert.equal((await api('POST', `/api/v1/servers/${id}/disable`, { until })).body.status, 'disabled');
      await waitFor('re-enabled on time', async () => (await server(id)).status === 'healthy', 10_000);
      const events = (await api('GET', `/api/v1/servers/${id}/logs`)).body.events as {
        kind: string;
        message: string;
      }[];
      assert.ok(
        events.some((e) => e.kind === 'enabled' && /schedule/.test(e.message)),
        JSON.stringify(events),
      );
      assert.ok(events.some((e) => e.kind === 'disabled' && /maintenance/.test(e.message)));
      const bad = await api('POST', `/api/v1/servers/${id}/disable`, { minutes: -1 });
      assert.equal(bad.status, 400);
    });

    test('a WebSocket client sees a status change within one check interval', async () => {
      const target = await startModernServer();
      const id = await add({
        name: 'watched',
        transport: 'streamable-http',
        url: target.url,
        health_check_interval: 1,
      });
      await waitFor('healthy', async () => (await server(id)).status === 'healthy');
      const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/live`);
      const messages: { type: string; server?: { id: string; status: string }; servers?: unknown[] }[] = [];
      ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString())));
      await waitFor('snapshot', () => messages.find((m) => m.type === 'snapshot'));
      assert.ok(messages[0]?.servers?.some((s) => (s as { id: string }).id === id));
      const stoppedAt = Date.now();
      await target.close();
      const change = await waitFor('status change pushed', () =>
        messages.find((m) => m.type === 'server' && m.server?.id === id && m.server.status === 'critical'),
      );
      assert.ok(change);
      // One interval (1 s) plus the failing check's own time, with room for a slow CI machine.
      assert.ok(Date.now() - stoppedAt < 8000, `took ${Date.now() - stoppedAt} ms`);
      ws.close();
    });
  });

  describe(`restart (${kind})`, () => {
    test('registry, check history and statuses survive; checks resume', async () => {
      const target = await startModernServer();
      const first = await startHarness({ kind });
      const res = await first.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'survivor',
          transport: 'streamable-http',
          url: target.url,
          health_check_interval: 1,
          tags: ['keep'],
        },
      });
      assert.equal(res.statusCode, 201);
      await waitFor('two checks', () => first.monitor.registry.get('survivor').state.lastCheck !== null);
      await first.app.inject({ method: 'POST', url: '/api/v1/servers/survivor/check' });
      await first.stop();
      const second = await startHarness({ target: first.target });
      try {
        const s = second.monitor.registry.get('survivor');
        assert.deepEqual(s.tags, ['keep']);
        assert.equal(s.state.status, 'healthy');
        assert.equal(s.state.protocolVersion, '2026-07-28');
        const checks = async () =>
          (
            await second.app.inject({ method: 'GET', url: '/api/v1/servers/survivor/checks?limit=1000' })
          ).json().checks.length as number;
        const before = await checks();
        assert.ok(before >= 2, `history kept: ${before}`);
        await waitFor('checks resume', async () => (await checks()) > before);
      } finally {
        await second.destroy();
        await target.close();
      }
    });
  });
}
