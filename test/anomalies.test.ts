import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { anomalyAnswer, type AnomalyAnswer } from '../src/api/contract/forecasts.js';
import { lognormal, seasonalHourlyCounts, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { DAY, HOUR, addReportedServer, ingest, type PastEvent } from './helpers/backfill.js';

const HOURS = 28 * 24;
const SPIKE = HOURS - 70; // inside the default window (the last 7 days)
const DIP = HOURS - 120;
const SHIFT = HOURS - 100;

function eventsOf(server: string, from: number, counts: number[], seed: number): PastEvent[] {
  const random = seededRandom(seed);
  return counts.flatMap((n, k) =>
    Array.from({ length: n }, () => ({
      server,
      method: 'tools/call',
      started_at: from + k * HOUR + Math.floor(random() * HOUR),
      latency_ms: lognormal(random, 40, 0.3),
      outcome: 'ok' as const,
    })),
  );
}

type Ok = Extract<AnomalyAnswer, { status: 'ok' }>;

for (const kind of await storeKinds()) {
  describe(`anomalies on backfilled history (${kind})`, () => {
    let h: Harness;
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const start = hour - HOURS * HOUR;
    before(async () => {
      h = await startHarness({ kind, settings: { metrics_collection_interval: 3600 } });
      const spiky = seasonalHourlyCounts(HOURS, 21);
      spiky[SPIKE] = Math.round((spiky[SPIKE] ?? 0) * 4);
      spiky[DIP] = Math.round((spiky[DIP] ?? 0) * 0.15);
      const shifted = seasonalHourlyCounts(HOURS, 22).map((n, i) => (i >= SHIFT ? n * 3 : n));
      const events = [
        ...eventsOf(await addReportedServer(h, 'spiky'), start, spiky, 1),
        ...eventsOf(await addReportedServer(h, 'flat'), start, new Array<number>(HOURS).fill(30), 2),
        ...eventsOf(await addReportedServer(h, 'shifted'), start, shifted, 3),
      ];
      await ingest(h, events);
    });
    after(() => h.destroy());

    const get = async (url: string): Promise<AnomalyAnswer> => {
      const res = await h.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, res.body);
      return anomalyAnswer.parse(res.json());
    };

    test('an injected spike and dip are flagged, up and down, outside their band; nothing else is', async () => {
      const a = (await get('/api/v1/servers/spiky/anomalies?metric=requests')) as Ok;
      assert.equal(a.status, 'ok');
      assert.deepEqual(a.seasonality, [24, 168]);
      assert.equal(a.points.length, 7 * 24);
      assert.deepEqual(
        a.anomalies.map((x) => [x.t, x.direction]),
        [
          [start + DIP * HOUR, 'down'],
          [start + SPIKE * HOUR, 'up'],
        ],
      );
      for (const x of a.anomalies) {
        assert.ok(Math.abs(x.score) > 1, JSON.stringify(x));
        assert.ok(x.value > x.upper || x.value < x.lower, JSON.stringify(x));
      }
      const normal = a.points.filter((p) => Math.abs(p.score) <= 1);
      assert.ok(normal.every((p) => p.value >= p.lower && p.value <= p.upper));
    });

    test('a flat series has no anomaly and no level shift', async () => {
      for (const metric of ['requests', 'p95', 'error_rate']) {
        const a = (await get(`/api/v1/servers/flat/anomalies?metric=${metric}`)) as Ok;
        assert.equal(a.status, 'ok');
        assert.deepEqual([a.anomalies, a.level_shifts], [[], []], metric);
      }
    });

    test('a level shift is found where traffic tripled, from the front door too', async () => {
      const a = (await get(
        `/api/v1/servers/shifted/anomalies?metric=requests&from=${start + DAY}&to=${hour}`,
      )) as Ok;
      assert.ok(a.level_shifts.length >= 1, JSON.stringify(a.level_shifts));
      const near = a.level_shifts.find((s) => Math.abs(s.t - (start + SHIFT * HOUR)) <= 3 * HOUR);
      assert.ok(near, JSON.stringify(a.level_shifts));
      assert.ok(near.after > 2 * near.before && near.score > 2, JSON.stringify(near));
      const shifts = await h.monitor.forecasts.levelShifts({
        serverId: 'shifted',
        metric: 'requests',
        from: start + DAY,
        to: hour,
      });
      assert.deepEqual(shifts, a.level_shifts);
    });

    test('under two days of history: not enough history', async () => {
      await addReportedServer(h, 'new');
      const a = await get('/api/v1/servers/new/anomalies?metric=p95');
      assert.equal(a.status, 'not_enough_history');
    });

    test('bad metric and range are refused naming the field; an unknown server is 404', async () => {
      for (const [query, field] of [
        ['metric=cpu', 'query.metric'],
        ['', 'query.metric'],
        [`metric=p95&from=${hour}&to=${hour - DAY}`, 'query.from'],
        [`metric=p95&from=${hour - 40 * DAY}&to=${hour}`, 'query.from'],
        ['metric=p95&extra=1', 'query.extra'],
      ]) {
        const res = await h.app.inject({ method: 'GET', url: `/api/v1/servers/spiky/anomalies?${query}` });
        assert.equal(res.statusCode, 400, query);
        assert.equal(res.json().error.details.fields[0].field, field, `${query}: ${res.body}`);
      }
      const missing = await h.app.inject({ method: 'GET', url: '/api/v1/servers/nope/anomalies?metric=p95' });
      assert.equal(missing.statusCode, 404);
    });
  });
}
