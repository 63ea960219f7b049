import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/store/open-store.js';
import { usageRepo } from '../src/store/usage-repo.js';
import { SERVER_TOTAL } from '../src/store/rollups-repo.js';
import { Aggregator } from '../src/metrics/aggregate/aggregator.js';
import { errorType } from '../src/errors/index.js';
import { endpoints, overview, series } from '../src/metrics/read/queries.js';
import type { RequestEvent } from '../src/model/request-event.js';
import { pruneMetrics, rollUp } from '../src/metrics/aggregate/rollup.js';
import {
  drawOutcome,
  lognormal,
  requestEvent,
  seededRandom,
} from '../src/metrics/ingest/synthetic-traffic.js';
import { dropStoreTarget, newStoreTarget, storeKinds, type StoreTarget } from './helpers/stores.js';

const kinds = await storeKinds();
const [MIN, HOUR, DAY] = [60_000, 3_600_000, 86_400_000];

/** The q-quantile of the raw list as DDSketch ranks it: the element at floor(q × (n − 1)). */
function exact(latencies: number[], q: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? NaN;
}
const within1pct = (got: number | null, want: number, what: string) =>
  assert.ok(got !== null && Math.abs(got - want) <= 0.01 * want, `${what}: ${got} vs exact ${want}`);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const latencies = (es: RequestEvent[]) => es.map((e) => e.latencyMs);
const isError = (e: RequestEvent) => ['error', 'transport_error', 'timeout'].includes(e.outcome);
const failures = (es: RequestEvent[]) => es.filter((e) => errorType(e) !== null).length;

/** `n` events over [from, from + spanMs): lognormal latencies, ~13% failures of every kind, two endpoints. */
function traffic(serverId: string, n: number, from: number, spanMs: number, seed: number): RequestEvent[] {
  const rnd = seededRandom(seed);
  const p = { error: 0.05, tool_error: 0.04, timeout: 0.02, transport_error: 0.01, cancelled: 0.01 };
  return Array.from({ length: n }, (_, i) => {
    const outcome = drawOutcome(rnd, p);
    return requestEvent({
      serverId,
      endpoint: rnd() < 0.6 ? 'tools/call:echo' : 'tools/list',
      startedAt: from + Math.floor(rnd() * spanMs),
      latencyMs: lognormal(rnd, 40, 0.9),
      outcome,
      errorCode: outcome === 'error' ? (i % 2 ? -32603 : -32602) : null,
      errorMessage: outcome === 'ok' ? null : `failed on request ${i}`,
    });
  });
}

const rows = {
  rollups: (s: Store, id: string) =>
    s.db
      .selectFrom('request_rollups')
      .select(['endpoint', 'resolution', 'bucket_start', 'rolled'])
      .where('server_id', '=', id)
      .execute(),
  groups: (s: Store, id: string) =>
    s.db.selectFrom('error_groups').select(['count', 'message']).where('server_id', '=', id).execute(),
  samples: (s: Store, id: string) =>
    s.db.selectFrom('error_events').select(['error_type', 'timestamp']).where('server_id', '=', id).execute(),
  usage: (s: Store, id: string) =>
    s.db.selectFrom('usage_rollups').select('count').where('server_id', '=', id).execute(),
};

for (const kind of kinds) {
  describe(`metrics store (${kind})`, () => {
    // Each test has its own store: roll-up, retention and the fleet overview are store-wide.
    const opened: { target: StoreTarget; store: Store }[] = [];
    const open = async (target = newStoreTarget(kind)) => {
      const { dataDir, databaseUrl, schema } = target;
      const store = await openStore({ dataDir, databaseUrl, schema });
      opened.push({ target, store });
      return store;
    };
    after(async () => {
      for (const o of opened) await o.store.close().catch(() => undefined);
      for (const o of opened) await dropStoreTarget(o.target);
    });

    test('known traffic: counts, error kinds and p50/p95/p99 within 1% of the raw list', async () => {
      const store = await open();
      const NOW = Date.UTC(2026, 9, 1, 12);
      const range = { from: NOW - 10 * MIN, to: NOW, now: NOW };
      const events = traffic('known', 1000, NOW - 10 * MIN, 10 * MIN, 7);
      const agg = new Aggregator({ store, now: () => NOW });
      for (const [i, e] of events.entries()) {
        agg.record(e);
        if (i % 250 === 249) assert.equal((await agg.flush()).ok, true); // several rows per minute
      }
      const got = await endpoints(store.db, { serverId: 'known', ...range });
      assert.deepEqual(got.map((e) => e.endpoint).sort(), ['tools/call:echo', 'tools/list']);
      for (const ep of got) {
        const raw = events.filter((e) => e.endpoint === ep.endpoint);
        assert.equal(ep.requests, raw.length);
        assert.equal(ep.errors, raw.filter(isError).length);
        assert.equal(ep.toolErrors, raw.filter((e) => e.outcome === 'tool_error').length);
        assert.equal(ep.timeouts, raw.filter((e) => e.outcome === 'timeout').length);
        assert.ok(Math.abs((ep.errorRatePercent ?? -1) - (failures(raw) / raw.length) * 100) < 1e-9);
        assert.ok(Math.abs((ep.avgMs ?? 0) - sum(latencies(raw)) / raw.length) < 1e-6);
        for (const [q, v] of [
          [0.5, ep.p50Ms],
          [0.95, ep.p95Ms],
          [0.99, ep.p99Ms],
        ] as const)
          within1pct(v, exact(latencies(raw), q), `${ep.endpoint} p${q * 100}`);
      }
      const p99 = await series(store.db, {
        serverId: 'known',
        metric: 'latency_p99',
        maxPoints: 10,
        ...range,
      });
      assert.equal(p99.resolution, '1m');
      within1pct(p99.aggregate, exact(latencies(events), 0.99), 'series p99');
      const fleet = await overview(store.db, range);
      assert.deepEqual([fleet.requests, fleet.servers], [1000, 1]);
      within1pct(fleet.p95Ms, exact(latencies(events), 0.95), 'fleet p95');
      // every failure is in a group and, under 20 per endpoint/type/minute here, sampled
      assert.equal(sum((await rows.groups(store, 'known')).map((g) => g.count)), failures(events));
      const samples = await rows.samples(store, 'known');
      assert.equal(samples.length, failures(events));
      for (const type of ['invalid_params', 'internal_error', 'tool_error', 'timeout', 'transport_error'])
        assert.ok(
          samples.some((s) => s.error_type === type),
          type,
        );
      const usage = await usageRepo.byHourAndClient(store.db, {
        from: NOW - DAY,
        to: NOW,
        serverId: 'known',
      });
      assert.deepEqual(
        [...new Set(usage.map((u) => `${u.client_name} ${u.client_version} ${u.protocol_version}`))],
        ['test-client 1.0.0 2025-11-25'],
      );
      assert.deepEqual(
        [
          sum(usage.map((u) => u.count)),
          sum(usage.map((u) => u.errors)),
          sum(usage.map((u) => u.tool_errors)),
        ],
        [1000, events.filter(isError).length, events.filter((e) => e.outcome === 'tool_error').length],
      );
    });

    test('p99 over 3 days from hourly and daily buckets equals p99 of the raw events within 1%', async () => {
      const store = await open();
      const D0 = Date.UTC(2026, 9, 10);
      const NOW = D0 + 3 * DAY + HOUR;
      const events = traffic('days', 3000, D0, 3 * DAY, 11);
      const agg = new Aggregator({ store, now: () => NOW });
      for (const e of events) agg.record(e);
      assert.equal((await agg.flush()).ok, true);
      const p99 = exact(latencies(events), 0.99);
      const q = { serverId: 'days', metric: 'latency_p99' as const, from: D0, to: D0 + 3 * DAY, now: NOW };
      within1pct(
        (await series(store.db, { ...q, maxPoints: 1 })).aggregate,
        p99,
        'p99 from unrolled minutes',
      );
      // events past the minute tier's 48 h are hour rows already (backfill), the rest minutes
      const minutes = (await rows.rollups(store, 'days')).filter((r) => r.resolution === '1m').length;
      // an hour row per endpoint and hour, and the server's total per hour
      const hourOf = (e: RequestEvent) => Math.floor(e.startedAt / HOUR);
      const hours =
        new Set(events.map((e) => `${e.endpoint} ${hourOf(e)}`)).size + new Set(events.map(hourOf)).size;
      assert.deepEqual(await rollUp(store.db, NOW), { hour: minutes, day: hours });
      const hourly = await series(store.db, { ...q, maxPoints: 72 });
      assert.deepEqual([hourly.resolution, hourly.points.length], ['1h', 72]);
      within1pct(hourly.aggregate, p99, 'p99 from hours');
      const daily = await series(store.db, { ...q, maxPoints: 3 });
      assert.deepEqual([daily.resolution, daily.points.length], ['1d', 3]);
      within1pct(daily.aggregate, p99, 'p99 from days');
      for (let d = 0; d < 3; d++) {
        const raw = events.filter((e) => Math.floor((e.startedAt - D0) / DAY) === d);
        const day = { from: D0 + d * DAY, to: D0 + (d + 1) * DAY, now: NOW };
        const eps = await endpoints(store.db, { serverId: 'days', ...day });
        assert.equal(sum(eps.map((e) => e.requests)), raw.length);
      }
      const stored = await rows.rollups(store, 'days');
      assert.equal(stored.filter((r) => r.resolution === '1d').length, 9); // 3 days × (2 endpoints + total)
      assert.ok(stored.filter((r) => r.resolution !== '1d').every((r) => r.rolled === 1));
    });

    test('roll-up is idempotent and takes late rows; retention removes what is past it and nothing else', async () => {
      const store = await open();
      const NOW = Date.UTC(2027, 5, 1);
      const retention = { metricsRetentionDays: 7, errorRetentionDays: 5 };
      const ages = { a: HOUR, b: 3 * DAY, c: 6 * DAY, d: 10 * DAY, e: 401 * DAY };
      const agg = new Aggregator({ store, now: () => NOW });
      for (const [word, age] of Object.entries(ages))
        agg.record(
          requestEvent({
            serverId: 'ret',
            startedAt: NOW - age,
            outcome: 'timeout',
            errorMessage: `stuck at ${word}`,
          }),
        );
      assert.equal((await agg.flush()).ok, true);
      const whole = { from: NOW - 420 * DAY, to: NOW, now: NOW, retention };
      const total = async (r = whole) => (await overview(store.db, r)).requests;
      assert.equal(await total(), 5);
      await rollUp(store.db, NOW);
      assert.deepEqual(await rollUp(store.db, NOW), { hour: 0, day: 0 });
      assert.equal(await total(), 5);
      // a late event for a day already rolled up (past the minute tier: an hour row): one more day row
      agg.record(requestEvent({ serverId: 'ret', startedAt: NOW - ages.b + 5 * MIN }));
      assert.equal((await agg.flush()).ok, true);
      assert.deepEqual(await rollUp(store.db, NOW), { hour: 0, day: 2 }); // the endpoint's and the total's
      const dayB = { from: NOW - 3 * DAY, to: NOW - 2 * DAY, now: NOW, retention };
      assert.equal(await total(dayB), 2);

      const pruned = await pruneMetrics(store.db, retention, NOW);
      assert.deepEqual(
        { ...pruned, flushes: 0 }, // flush ids depend on the suite's other tests
        {
          // minutes and hours as the backfill tiers old events (an event past 48 h is an hour row)
          ...{ minute: 0, hour: 2, day: 2, usage: 2, flushes: 0 },
          // samples past error_retention_days; counts: minutes past 48 h (b, c, d, e), hours past
          // error_retention_days (c, d, e), days past 400 (e); groups last seen 400 days ago (e)
          ...{ errorSamples: 3, errorCounts: 8, errorGroups: 1 },
        },
      );
      assert.equal(await total(), 5); // a, b ×2, c, d; e was past 400 days
      assert.equal(await total(dayB), 2);
      const left = await rows.rollups(store, 'ret');
      const ageOf = (res: string, total = false) =>
        sorted(
          left
            .filter((r) => r.resolution === res && (r.endpoint === SERVER_TOTAL) === total)
            .map((r) => NOW - r.bucket_start),
        );
      for (const res of ['1m', '1h', '1d']) assert.deepEqual(ageOf(res, true), ageOf(res), res);
      assert.deepEqual(ageOf('1m'), [HOUR]);
      assert.deepEqual(ageOf('1h'), [3 * DAY, 3 * DAY, 6 * DAY]);
      assert.deepEqual(ageOf('1d'), [3 * DAY, 3 * DAY, 6 * DAY, 10 * DAY]);
      const samples = await rows.samples(store, 'ret');
      assert.deepEqual(sorted(samples.map((s) => NOW - s.timestamp)), [HOUR, 3 * DAY]);
      assert.deepEqual((await rows.groups(store, 'ret')).map((g) => g.message).sort(), [
        'stuck at a',
        'stuck at b',
        'stuck at c',
        'stuck at d',
      ]);
      assert.equal(sum((await rows.usage(store, 'ret')).map((u) => u.count)), 4); // a, b ×2, c
    });

    test('maxPoints is respected; compare=1w gives the previous week and the % change', async () => {
      const store = await open();
      const NOW = Date.UTC(2027, 0, 10, 12);
      const agg = new Aggregator({ store, now: () => NOW });
      for (let h = 1; h <= 24; h++)
        for (let i = 0; i < 20; i++) {
          agg.record(requestEvent({ serverId: 'cmp', startedAt: NOW - h * HOUR + i * 1000, latencyMs: 50 }));
          if (i % 2)
            agg.record(
              requestEvent({ serverId: 'cmp', startedAt: NOW - 7 * DAY - h * HOUR + i, latencyMs: 100 }),
            );
        }
      assert.equal((await agg.flush()).ok, true);
      const check = async () => {
        const q = {
          serverId: 'cmp',
          from: NOW - DAY,
          to: NOW,
          maxPoints: 24,
          now: NOW,
          compare: '1w' as const,
        };
        const rps = await series(store.db, { ...q, metric: 'rps' });
        assert.equal(rps.points.length, 24);
        assert.ok(rps.points.every((p) => Math.abs((p.v ?? 0) - 20 / 3600) < 1e-12));
        const prev = rps.compare?.points ?? [];
        assert.ok(prev.every((p, i) => p.t === rps.points[i]?.t && Math.abs((p.v ?? 0) - 10 / 3600) < 1e-12));
        assert.ok(Math.abs((rps.compare?.changePercent ?? 0) - 100) < 1e-9);
        const avg = await series(store.db, { ...q, metric: 'latency_avg' });
        assert.deepEqual([avg.aggregate, avg.compare?.aggregate, avg.compare?.changePercent], [50, 100, -50]);
      };
      await check(); // from minute rows not yet rolled up
      await rollUp(store.db, NOW);
      await check(); // from hour rows
      const cases = [[HOUR, 7, 20], [HOUR, 60, 20], [DAY, 1000, 480], [DAY, 10, 480], [DAY, 1, 480],
        [8 * DAY, 100, 720], [8 * DAY, 3, 720], [30 * DAY, 1000, 720]] as const; // prettier-ignore
      for (const [span, maxPoints, requests] of cases) {
        const s = await series(store.db, {
          serverId: 'cmp',
          metric: 'rps',
          from: NOW - span,
          to: NOW,
          maxPoints,
          now: NOW,
        });
        assert.ok(
          s.points.length <= maxPoints && s.points.length > 0,
          `${span}/${maxPoints}: ${s.points.length}`,
        );
        const counted = sum(s.points.map((p) => ((p.v ?? 0) * (Math.min(p.t + s.stepMs, NOW) - p.t)) / 1000));
        assert.ok(Math.abs(counted - requests) < 1e-6, `${span}/${maxPoints}: ${counted} requests`);
      }
    });

    test("compare=1w keeps the range's own step: the last hour against last week's hour rows", async () => {
      const store = await open();
      const NOW = Date.UTC(2027, 0, 10, 12, 30);
      const agg = new Aggregator({ store, now: () => NOW });
      // This hour: 10 requests a minute. A week ago: 1 a second over the two whole hours it falls in.
      for (let m = 1; m <= 60; m++)
        for (let i = 0; i < 10; i++)
          agg.record(requestEvent({ serverId: 'step', startedAt: NOW - m * MIN + i * 1000, latencyMs: 20 }));
      for (let s = 0; s < 7200; s++)
        agg.record(
          requestEvent({ serverId: 'step', startedAt: NOW - 7 * DAY - 90 * MIN + s * 1000, latencyMs: 40 }),
        );
      assert.equal((await agg.flush()).ok, true);
      await rollUp(store.db, NOW); // last week's minutes become hours (minutes are kept 48 h)
      const q = { serverId: 'step', from: NOW - HOUR, to: NOW, maxPoints: 720, now: NOW };
      const plain = await series(store.db, { ...q, metric: 'rps' });
      const rps = await series(store.db, { ...q, metric: 'rps', compare: '1w' });
      assert.equal(rps.stepMs, MIN);
      assert.deepEqual(
        rps.points.map((p) => p.t),
        plain.points.map((p) => p.t),
        'the same steps with and without the comparison',
      );
      assert.equal(rps.points.length, 60);
      const prev = rps.compare?.points ?? [];
      assert.deepEqual(
        prev.map((p) => p.t),
        rps.points.map((p) => p.t),
      );
      // Each minute holds the rate of last week's hour it falls in: 3,600 requests an hour = 1/s.
      assert.ok(
        prev.every((p) => p.v !== null && Math.abs(p.v - 1) < 1e-9),
        JSON.stringify(prev.slice(0, 3)),
      );
      assert.ok(rps.points.every((p) => p.v !== null && Math.abs(p.v - 10 / 60) < 1e-9));
      const p95 = await series(store.db, { ...q, metric: 'latency_p95', compare: '1w' });
      assert.equal(p95.compare?.points.filter((p) => p.v !== null).length, 60);
      within1pct(p95.compare?.points[0]?.v ?? null, 40, 'last week at this minute');
    });

    test('a flush after a store failure loses nothing that was in memory', async () => {
      const target = newStoreTarget(kind);
      let store = await open(target);
      const NOW = Date.UTC(2027, 2, 3, 9);
      const holder = { db: store.db };
      const agg = new Aggregator({ store: holder, now: () => NOW });
      const events = traffic('down', 300, NOW - 5 * MIN, 5 * MIN, 3);
      events.slice(0, 100).forEach((e) => agg.record(e));
      assert.equal((await agg.flush()).ok, true);
      events.slice(100, 200).forEach((e) => agg.record(e));
      await store.close();
      assert.equal((await agg.flush()).ok, false);
      events.slice(200).forEach((e) => agg.record(e)); // merged with the failed flush's buckets
      assert.equal((await agg.flush()).ok, false);
      store = await open(target);
      holder.db = store.db;
      assert.equal((await agg.flush()).ok, true);
      assert.equal(agg.stats().failedFlushes, 2);
      const fleet = await overview(store.db, { from: NOW - 5 * MIN, to: NOW, now: NOW });
      assert.equal(fleet.requests, 300);
      within1pct(fleet.p99Ms, exact(latencies(events), 0.99), 'p99 after recovery');
      assert.equal(sum((await rows.groups(store, 'down')).map((g) => g.count)), failures(events));
      assert.equal((await rows.samples(store, 'down')).length, failures(events));
    });
  });
}

for (const kind of kinds)
  describe(`migration 006-server-totals (${kind})`, () => {
    let target: StoreTarget | undefined;
    let store: Store | undefined;
    after(async () => {
      await store?.close();
      if (target) await dropStoreTarget(target);
    });

    test('history written before the server totals existed gets them, rolled rows kept apart', async () => {
      target = newStoreTarget(kind);
      store = await openStore(target);
      const NOW = Date.UTC(2026, 9, 20, 12);
      const events = traffic('old', 2000, NOW - 3 * HOUR, 3 * HOUR, 5);
      const agg = new Aggregator({ store, now: () => NOW });
      for (const e of events) agg.record(e);
      assert.equal((await agg.flush()).ok, true);
      await rollUp(store.db, NOW - HOUR); // the first two hours rolled, the last one not
      // the store as it was before migration 006: no totals, 006 not applied
      await store.db.deleteFrom('request_rollups').where('endpoint', '=', SERVER_TOTAL).execute();
      await sql`delete from kysely_migration where name = '006-server-totals'`.execute(store.db);
      await store.close();
      store = await openStore(target);

      const all = await rows.rollups(store, 'old');
      const key = (r: (typeof all)[number]) => `${r.resolution} ${r.bucket_start} ${r.rolled}`;
      const totals = all.filter((r) => r.endpoint === SERVER_TOTAL);
      assert.deepEqual(
        totals.map(key).sort(),
        [...new Set(all.filter((r) => r.endpoint !== SERVER_TOTAL).map(key))].sort(),
      );
      const q = { serverId: 'old', from: NOW - 3 * HOUR, to: NOW, now: NOW, maxPoints: 3 };
      const count = await series(store.db, { ...q, metric: 'rps' });
      assert.equal(Math.round((count.aggregate ?? 0) * 3 * 3600), events.length);
      within1pct(
        (await series(store.db, { ...q, metric: 'latency_p99' })).aggregate,
        exact(latencies(events), 0.99),
        'p99 from the migrated totals',
      );
      // and the totals roll up like any row
      await rollUp(store.db, NOW + HOUR);
      const after = await series(store.db, { ...q, metric: 'rps' });
      assert.equal(Math.round((after.aggregate ?? 0) * 3 * 3600), events.length);
    });
  });
