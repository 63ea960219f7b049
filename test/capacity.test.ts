import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityAnswer, type CapacityAnswer } from '../src/api/contract/forecasts.js';
import { seasonalHourlyCounts, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { HOUR, addReportedServer, ingest, type PastEvent } from './helpers/backfill.js';

const HOURS = 21 * 24;

/** One event per request; latency from the hour's load. */
function eventsOf(
  server: string,
  from: number,
  counts: number[],
  latency: (n: number) => number,
): PastEvent[] {
  const random = seededRandom(counts.length);
  return counts.flatMap((n, k) =>
    Array.from({ length: n }, () => ({
      server,
      method: 'tools/call',
      started_at: from + k * HOUR + Math.floor(random() * HOUR),
      latency_ms: latency(n),
      outcome: 'ok' as const,
    })),
  );
}

for (const kind of await storeKinds()) {
  describe(`capacity (${kind})`, () => {
    let h: Harness;
    let answer: CapacityAnswer;
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const start = hour - HOURS * HOUR;
    const counts = seasonalHourlyCounts(HOURS, 41); // +0.1 % an hour: some 18 % a week
    before(async () => {
      h = await startHarness({ kind, settings: { metrics_collection_interval: 3600 } });
      const declared = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'declared',
          transport: 'streamable-http',
          url: 'http://127.0.0.1:9/mcp',
          health_check_interval: 3600,
          capacity: { max_rps: 0.1, max_connections: 50 },
        },
      });
      assert.equal(declared.statusCode, 201, declared.body);
      assert.deepEqual(declared.json().capacity, { max_rps: 0.1, max_connections: 50 });
      await ingest(h, [
        ...eventsOf('declared', start, counts, () => 40),
        // latency goes over the 500 ms warning above 100 requests an hour
        ...eventsOf(await addReportedServer(h, 'learned'), start, counts, (n) => (n > 100 ? 900 : 40)),
        ...eventsOf(await addReportedServer(h, 'unknown'), start, counts, () => 40),
      ]);
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/capacity' });
      assert.equal(res.statusCode, 200, res.body);
      answer = capacityAnswer.parse(res.json());
    });
    after(() => h.destroy());

    const of = (id: string) => {
      const v = answer.servers.find((s) => s.server === id);
      assert.ok(v, id);
      return v;
    };

    test('a declared capacity: utilisation now and at next week’s peak, growth, days until saturation', () => {
      const d = of('declared');
      const peak = Math.max(...counts.slice(-7 * 24)) / 3600;
      assert.equal(d.max_rps_source, 'declared');
      assert.equal(d.max_rps, 0.1);
      assert.ok(Math.abs(d.peak_rps - peak) < 0.01, `${d.peak_rps} vs ${peak}`);
      assert.ok(d.growth_week_percent !== null && d.growth_week_percent > 10 && d.growth_week_percent < 30);
      assert.equal(d.growth_month_percent, null, 'three weeks are not two months');
      assert.ok(d.forecast_peak_rps > d.peak_rps);
      assert.ok((d.forecast_utilisation_percent ?? 0) > (d.utilisation_percent ?? 0));
      assert.ok(
        d.days_until_saturation !== null && d.days_until_saturation > 7 && d.days_until_saturation < 90,
      );
      assert.match(d.recommendation, /Saturates in about \d+ days|Enough headroom|close to capacity/);
    });

    test('a learned capacity: the busiest hour with p95 under the warning threshold', () => {
      const l = of('learned');
      const under = Math.max(...counts.filter((n) => n <= 100));
      assert.equal(l.max_rps_source, 'learned');
      assert.ok(Math.abs((l.max_rps ?? 0) - under / 3600) < 0.001, `${l.max_rps} vs ${under / 3600}`);
      assert.equal(l.urgency, 'critical', 'its peak is over what it took with good latency');
      assert.equal(l.days_until_saturation, 0);
      assert.match(l.recommendation, /At capacity now.*learned/);
    });

    test('no capacity known: said so; the fleet sorted by urgency', () => {
      const u = of('unknown');
      assert.deepEqual([u.urgency, u.max_rps, u.utilisation_percent], ['unknown', null, null]);
      assert.match(u.recommendation, /declare capacity.max_rps/);
      assert.deepEqual(
        answer.servers.map((s) => s.server),
        ['learned', 'declared', 'unknown'],
      );
    });

    test('a second request within the hour is the cached answer', async () => {
      assert.equal(await h.monitor.forecasts.capacity(), await h.monitor.forecasts.capacity());
    });

    test('a bad capacity is refused naming the field; null clears it', async () => {
      for (const [capacity, field] of [
        [{ max_rps: -1 }, 'capacity.max_rps'],
        [{ max_connections: 1.5 }, 'capacity.max_connections'],
        [{ max_iops: 3 }, 'capacity.max_iops'],
      ] as const) {
        const res = await h.app.inject({
          method: 'PATCH',
          url: '/api/v1/servers/declared',
          payload: { capacity },
        });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().error.details.fields[0].field, field, res.body);
      }
      const cleared = await h.app.inject({
        method: 'PATCH',
        url: '/api/v1/servers/declared',
        payload: { capacity: null },
      });
      assert.equal(cleared.statusCode, 200, cleared.body);
      assert.equal(cleared.json().capacity, undefined);
      const set = await h.app.inject({
        method: 'PATCH',
        url: '/api/v1/servers/declared',
        payload: { capacity: { max_rps: 5 } },
      });
      assert.deepEqual(set.json().capacity, { max_rps: 5 });
    });
  });
}
