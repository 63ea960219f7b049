/**
 * Rule metric `anomaly_score` (issue 13): a server with four backfilled weeks of seasonal traffic,
 * a live spike through the ingest API, a rule on the requests' anomaly score with a webhook: the
 * rule fires and the receiver gets it. And the rule's `series` is checked on the way in.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lognormal, seasonalHourlyCounts, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { HOUR, addReportedServer, ingest, type PastEvent } from './helpers/backfill.js';

interface Hook {
  state: string;
  rule: { name: string };
  server: { id: string };
  value: number | null;
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

const HOURS = 28 * 24;

function history(server: string, from: number, seed: number): PastEvent[] {
  const random = seededRandom(seed);
  return seasonalHourlyCounts(HOURS, seed).flatMap((n, k) =>
    Array.from({ length: n }, () => ({
      server,
      method: 'tools/call',
      started_at: from + k * HOUR + Math.floor(random() * HOUR),
      latency_ms: lognormal(random, 40, 0.3),
      outcome: 'ok' as const,
    })),
  );
}

for (const kind of await storeKinds()) {
  describe(`rule metric anomaly_score (${kind})`, () => {
    let h: Harness;
    let hook: Awaited<ReturnType<typeof receiver>>;
    before(async () => {
      hook = await receiver();
      h = await startHarness({
        kind,
        settings: { alert_evaluation_interval: 1, metrics_collection_interval: 3600 },
      });
      const hour = Math.floor(Date.now() / HOUR) * HOUR;
      await ingest(h, history(await addReportedServer(h, 'steady'), hour - HOURS * HOUR, 31));
    });
    after(async () => {
      await h.destroy();
      await hook.close();
    });

    const post = (url: string, payload: Record<string, unknown>) =>
      h.app.inject({ method: 'POST', url, payload });

    test('a live spike over a seasonal history fires the rule through a webhook', async () => {
      const channel = await post('/api/v1/alerts/channels', {
        name: 'hook',
        kind: 'webhook',
        config: { url: hook.url },
      });
      assert.equal(channel.statusCode, 201, channel.body);
      const rule = await post('/api/v1/alerts/rules', {
        name: 'Unusual traffic',
        metric: 'anomaly_score',
        series: 'requests',
        condition: 'gt',
        threshold: 1,
        evaluation_period: 0,
        servers: ['steady'],
        channels: [channel.json<{ id: number }>().id],
      });
      assert.equal(rule.statusCode, 201, rule.body);
      assert.equal(rule.json<{ series: string }>().series, 'requests');
      // a thousand requests in the last minute: some 12,000 an hour, against a baseline under 200
      const random = seededRandom(5);
      const now = Date.now();
      const spike = Array.from({ length: 1000 }, () => ({
        server: 'steady',
        method: 'tools/call',
        started_at: now - Math.floor(random() * 50_000),
        latency_ms: 40,
        outcome: 'ok' as const,
      }));
      await ingest(h, spike);
      const hit = await waitFor(
        'the firing webhook',
        () => hook.hits.find((x) => x.state === 'firing' && x.rule.name === 'Unusual traffic'),
        60_000,
      );
      assert.equal(hit.server.id, 'steady');
      assert.ok((hit.value ?? 0) > 1, JSON.stringify(hit));
      const active = (await h.app.inject({ url: '/api/v1/alerts/active' })).json<{
        alerts: { rule_name: string; server_id: string }[];
      }>();
      assert.ok(
        active.alerts.some((a) => a.rule_name === 'Unusual traffic' && a.server_id === 'steady'),
        JSON.stringify(active),
      );
    });

    test('series goes with anomaly_score and with it only: 400 naming series', async () => {
      const base = { name: 'x', condition: 'gt', threshold: 1 };
      for (const payload of [
        { ...base, metric: 'anomaly_score' },
        { ...base, metric: 'anomaly_score', series: 'cpu' },
        { ...base, metric: 'rps', series: 'requests' },
      ]) {
        const res = await post('/api/v1/alerts/rules', payload);
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json().error.details.fields[0].field, 'series', res.body);
      }
      const rps = await post('/api/v1/alerts/rules', { ...base, metric: 'rps' });
      assert.equal(rps.statusCode, 201, rps.body);
      const id = rps.json<{ id: number }>().id;
      const patch = (payload: Record<string, unknown>) =>
        h.app.inject({ method: 'PATCH', url: `/api/v1/alerts/rules/${id}`, payload });
      const bad = await patch({ metric: 'anomaly_score' });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().error.details.fields[0].field, 'series');
      const good = await patch({ metric: 'anomaly_score', series: 'p95' });
      assert.equal(good.statusCode, 200, good.body);
      const back = await patch({ metric: 'rps' });
      assert.deepEqual([back.statusCode, back.json().series], [200, null]);
    });
  });
}
