import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import type { FederatedView, FederationSummary, PeerView } from '../src/api/contract/federation.js';

const HUB_TOKEN = 'hub-token-0123456789';
const tokenOf = (name: string) => `peer-token-${name}-0123456789`;

const settings = (token: string) => ({
  api_token: token,
  federation_poll_interval: 1,
  health_check_retries: 2,
  alert_evaluation_interval: 1,
});

const call = async (
  h: Harness,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  token = HUB_TOKEN,
) =>
  h.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });

/** Known latencies, reported through the ingest API and flushed to the store. */
/**
 * A reported server with known latencies. Its URL answers nothing, so its checks fail (the
 * instance is then degraded) unless `quiet` disables it.
 */
async function traffic(
  h: Harness,
  token: string,
  server: string,
  latencies: number[],
  errors: number,
  quiet: boolean,
) {
  const added = await call(
    h,
    'POST',
    '/api/v1/servers',
    {
      name: server,
      transport: 'streamable-http',
      url: 'http://127.0.0.1:9/mcp',
      health_check_interval: 3600,
    },
    token,
  );
  assert.equal(added.statusCode, 201, added.body);
  const id = added.json<{ id: string }>().id;
  if (quiet) {
    const off = await call(h, 'POST', `/api/v1/servers/${id}/disable`, { minutes: 600 }, token);
    assert.equal(off.statusCode, 200, off.body);
  }
  const now = Date.now();
  const events = latencies.map((latency_ms, i) => ({
    server: id,
    method: 'tools/list',
    started_at: now - 1000 - (i % 50),
    latency_ms,
    outcome: i < errors ? 'error' : 'ok',
  }));
  const res = await call(h, 'POST', '/api/v1/ingest/events', { events }, token);
  assert.equal(res.statusCode, 202, res.body);
  await h.monitor.aggregator.flush();
}

/** The q-quantile of raw values, as DDSketch ranks them (rank q·(n−1), rounded down). */
function rawQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? NaN;
}

async function webhookReceiver() {
  const hits: { state: string; server: { id: string } }[] = [];
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof hits)[number]);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    hits,
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

for (const kind of await storeKinds())
  describe(`federation (${kind})`, () => {
    let hub: Harness;
    let b: Harness;
    let c: Harness;
    const raw: number[] = [];
    const hook = { hits: [] as { state: string; server: { id: string } }[], url: '', close: async () => {} };

    before(async () => {
      [hub, b, c] = await Promise.all([
        startHarness({ kind, listen: true, settings: { ...settings(HUB_TOKEN), instance_name: 'hub' } }),
        startHarness({ kind, listen: true, settings: { ...settings(tokenOf('b')), instance_name: 'b' } }),
        startHarness({ kind, listen: true, settings: { ...settings(tokenOf('c')), instance_name: 'c' } }),
      ]);
      // Three different distributions: a merged percentile is none of the instances' own.
      const latencies = {
        hub: Array.from({ length: 400 }, (_, i) => 5 + i * 0.25),
        b: Array.from({ length: 1500 }, (_, i) => 20 + ((i * 37) % 1000)),
        c: Array.from({ length: 700 }, (_, i) => 800 + ((i * 13) % 4000)),
      };
      await traffic(hub, HUB_TOKEN, 'hub-server', latencies.hub, 0, true);
      await traffic(b, tokenOf('b'), 'b-server', latencies.b, 30, false);
      await traffic(c, tokenOf('c'), 'c-server', latencies.c, 7, true);
      raw.push(...latencies.hub, ...latencies.b, ...latencies.c);
      Object.assign(hook, await webhookReceiver());
    });
    after(async () => {
      await Promise.all([hub?.destroy(), b?.destroy(), c?.destroy()]);
      await hook.close();
    });

    test('peers: added with a token that is stored sealed and never returned', async () => {
      const bad = await call(hub, 'POST', '/api/v1/federation/peers', { name: 'x', url: 'ftp://127.0.0.1/' });
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.body.includes('"field":"url"'), bad.body);
      const long = await call(hub, 'POST', '/api/v1/federation/peers', {
        name: 'x',
        url: `http://127.0.0.1/${'a'.repeat(3000)}`,
      });
      assert.equal(long.statusCode, 400);
      for (const [name, h] of [
        ['b', b],
        ['c', c],
      ] as const) {
        const res = await call(hub, 'POST', '/api/v1/federation/peers', {
          name,
          url: `${h.url}/`,
          token: tokenOf(name),
        });
        assert.equal(res.statusCode, 201, res.body);
        const peer = res.json<PeerView>();
        assert.equal(peer.has_token, true);
        assert.equal(peer.url, h.url);
        assert.ok(!res.body.includes(tokenOf(name)));
      }
      const dup = await call(hub, 'POST', '/api/v1/federation/peers', { name: 'B', url: b.url });
      assert.equal(dup.statusCode, 409);
      const list = await call(hub, 'GET', '/api/v1/federation/peers');
      assert.deepEqual(
        list.json<{ peers: PeerView[] }>().peers.map((p) => p.name),
        ['b', 'c'],
      );
      assert.ok(!list.body.includes('peer-token'));
      const { rows } = await sql<{ token: string }>`select token from federation_peers`.execute(
        hub.monitor.store.db,
      );
      assert.equal(rows.length, 2);
      for (const r of rows) assert.ok(!r.token.includes('peer-token'), 'the token is sealed in the store');
    });

    test('summary: behind the token; sketches merge to the percentiles of all raw latencies', async () => {
      const open = await b.app.inject({ method: 'GET', url: '/api/v1/federation/summary' });
      assert.equal(open.statusCode, 401);
      // b's server fails its checks: b answers, but is degraded.
      const statuses = (v: FederatedView) => v.instances.map((i) => `${i.name}:${i.status}`).join(' ');
      const view = await waitFor('both peers polled', async () => {
        const v = (await call(hub, 'GET', '/api/v1/federation')).json<FederatedView>();
        const servers = Object.values(v.totals.servers_by_status).reduce((a, n) => a + n, 0);
        // Every instance's traffic is in the store and in its latest summary (a flush may land after a poll).
        const summary = (await call(hub, 'GET', '/api/v1/federation/summary')).json<FederationSummary>();
        const requests = summary.parts.reduce((n, p) => n + p.requests, 0);
        return statuses(v) === 'hub:healthy b:degraded c:healthy' &&
          v.totals.instances === 3 &&
          servers === 3 &&
          requests === raw.length
          ? v
          : null;
      });
      assert.deepEqual(
        view.instances.map((i) => [i.name, i.local]),
        [
          ['hub', true],
          ['b', false],
          ['c', false],
        ],
      );
      for (const i of view.instances.filter((i) => !i.local)) {
        assert.equal(i.link?.consecutive_failures, 0);
        assert.ok(i.link?.last_success);
        assert.equal(
          Object.values(i.servers_by_status).reduce((a, n) => a + n, 0),
          1,
          JSON.stringify(view),
        );
      }
      assert.equal(
        Object.values(view.totals.servers_by_status).reduce((a, n) => a + n, 0),
        3,
      );
      for (const [q, got] of [
        [0.5, view.totals.p50],
        [0.95, view.totals.p95],
        [0.99, view.totals.p99],
      ] as const) {
        const want = rawQuantile(raw, q);
        assert.ok(got !== null && Math.abs(got - want) / want <= 0.01, `p${q * 100}: ${got} vs raw ${want}`);
      }
      // 37 failed of 2,600 requests: the rate over all of them, not an average of rates.
      assert.ok(
        view.totals.error_rate !== null && Math.abs(view.totals.error_rate - (37 / 2600) * 100) < 1e-9,
      );
      const summary = (await call(hub, 'GET', '/api/v1/federation/summary')).json<FederationSummary>();
      assert.equal(summary.instance.name, 'hub');
      assert.equal(summary.parts.length, 3);
      assert.ok(summary.latency.sketch_5m.length > 0);
    });

    test('a stopped peer is unreachable, a peer_unreachable alert fires and resolves through a webhook', async () => {
      const channel = await call(hub, 'POST', '/api/v1/alerts/channels', {
        name: 'hook',
        kind: 'webhook',
        config: { url: hook.url, retries: 0 },
      });
      assert.equal(channel.statusCode, 201, channel.body);
      const rule = await call(hub, 'POST', '/api/v1/alerts/rules', {
        name: 'Peer unreachable',
        metric: 'peer_unreachable',
        condition: 'eq',
        threshold: 1,
        evaluation_period: 0,
        // One notification per transition, at once (grouping waits 30 s by default).
        group_wait: 0,
        severity: 'critical',
        channels: [channel.json<{ id: number }>().id],
      });
      assert.equal(rule.statusCode, 201, rule.body);
      const port = Number(new URL(c.url).port);
      const target = c.target;
      await c.stop();
      const down = await waitFor('c unreachable', async () => {
        const v = (await call(hub, 'GET', '/api/v1/federation')).json<FederatedView>();
        const ci = v.instances.find((i) => i.name === 'c');
        return ci?.status === 'unreachable' ? v : null;
      });
      const ci = down.instances.find((i) => i.name === 'c');
      assert.ok((ci?.link?.consecutive_failures ?? 0) >= 2);
      assert.ok(ci?.link?.last_error);
      // Its figures are no longer in the totals.
      assert.equal(down.totals.instances, 2);
      await waitFor('firing notification', () =>
        hook.hits.find((h) => h.state === 'firing' && h.server.id === 'peer:c'),
      );
      c = await startHarness({
        kind,
        target,
        listen: true,
        port,
        settings: { ...settings(tokenOf('c')), instance_name: 'c' },
      });
      await waitFor(
        'c healthy again',
        async () =>
          (await call(hub, 'GET', '/api/v1/federation'))
            .json<FederatedView>()
            .instances.find((i) => i.name === 'c')?.status === 'healthy',
        30_000,
      );
      await waitFor('resolved notification', () =>
        hook.hits.find((h) => h.state === 'resolved' && h.server.id === 'peer:c'),
      );
      assert.equal(hook.hits.filter((h) => h.state === 'firing').length, 1);
    });

    test('cross-instance series from the polls', async () => {
      const res = await call(hub, 'GET', '/api/v1/federation/metrics?metric=p95');
      assert.equal(res.statusCode, 200, res.body);
      const m = res.json<{ series: { name: string; points: { v: number | null }[] }[] }>();
      assert.deepEqual(
        m.series.map((s) => s.name),
        ['hub', 'b', 'c'],
      );
      assert.ok(m.series.find((s) => s.name === 'b')?.points.some((p) => p.v !== null));
      const bad = await call(hub, 'GET', '/api/v1/federation/metrics?metric=nope');
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.body.includes('query.metric'));
    });

    test('the peers’ tokens are in no log line and no answer', () => {
      for (const h of [hub, b, c])
        for (const line of h.logLines) assert.ok(!line.includes('peer-token-'), line.slice(0, 200));
    });
  });
