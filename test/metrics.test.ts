import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../src/store/open-store.js';
import { SERVER_TOTAL } from '../src/store/rollups-repo.js';
import { Aggregator } from '../src/metrics/aggregate/aggregator.js';
import { errorType } from '../src/errors/index.js';
import {
  addEncoded,
  decodeSketch,
  encodeSketch,
  newSketch,
  quantile,
} from '../src/metrics/sketch/sketch-codec.js';
import { lognormal, requestEvent, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { defaultRetention, planSeries } from '../src/metrics/read/tiers.js';

const [SEC, MIN, HOUR, DAY] = [1000, 60_000, 3_600_000, 86_400_000];
const NOW = Date.UTC(2026, 5, 15, 12, 30);

let store: Store;
const sqlite = async () =>
  (store ??= await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'mcp-health-metrics-')) }));
after(async () => store?.close());

describe('sketch codec', () => {
  test('round-trips every quantile exactly and merges straight from bytes', () => {
    const rnd = seededRandom(1);
    const s = newSketch();
    for (let i = 0; i < 5000; i++) s.accept(lognormal(rnd, 30, 1.5));
    s.accept(0);
    const bytes = encodeSketch(s);
    const back = decodeSketch(bytes);
    assert.equal(back.count, s.count);
    for (const q of [0, 0.01, 0.5, 0.9, 0.99, 0.999, 1]) assert.equal(quantile(back, q), quantile(s, q));
    const into = decodeSketch(bytes);
    assert.equal(addEncoded(into, bytes), true);
    assert.equal(into.count, 2 * s.count);
    assert.equal(quantile(into, 0.5), quantile(s, 0.5));
    assert.ok(bytes.length < 1000, `${bytes.length} bytes`);
  });

  test('unreadable bytes give an empty sketch, never a throw', () => {
    for (const junk of [[], [9], [1, 0x80], [1, 2, 5, 1]])
      assert.equal(decodeSketch(Buffer.from(junk)).count, 0);
    assert.equal(quantile(newSketch(), 0.5), null);
  });
});

describe('tier and step choice', () => {
  const plan = (span: number, maxPoints: number, earliestBack = span) =>
    planSeries(
      { from: NOW - span, to: NOW, maxPoints, now: NOW, earliest: NOW - earliestBack },
      defaultRetention,
    );

  test('minutes within 48 h, hours within the retention, days beyond', () => {
    assert.equal(plan(3 * HOUR, 1000).tier.resolution, '1m');
    assert.equal(plan(47 * HOUR, 1000).tier.resolution, '1m');
    assert.equal(plan(47 * HOUR, 10).tier.resolution, '1h'); // a 5-hour step reads hour rows
    assert.equal(plan(3 * DAY, 1000).tier.resolution, '1h');
    assert.equal(plan(DAY, 1000, 8 * DAY).tier.resolution, '1h'); // compare=1w reaches back 8 days
    assert.equal(plan(60 * DAY, 1000).tier.resolution, '1d');
    assert.equal(plan(10 * DAY, 2).tier.resolution, '1d');
  });

  test('never more than maxPoints points; steps are whole tier buckets', () => {
    for (const span of [MIN, 7 * MIN, HOUR, 13 * HOUR, DAY, 47 * HOUR, 3 * DAY, 30 * DAY, 400 * DAY])
      for (const maxPoints of [1, 2, 3, 7, 24, 60, 100, 1000, 100_000]) {
        const p = plan(span, maxPoints);
        const points = (p.end - p.start) / p.stepMs;
        assert.ok(points >= 1 && points <= maxPoints, `${span}/${maxPoints}: ${points}`);
        assert.equal(
          p.stepMs % (p.tier.resolution === '1m' ? MIN : p.tier.resolution === '1h' ? HOUR : DAY),
          0,
        );
        assert.ok(p.start <= NOW - span && p.end >= NOW);
      }
  });
});

describe('error types', () => {
  // masking and fingerprints: test/errors-fingerprint.test.ts
  test('name the JSON-RPC error by name or code; a cancelled request is not an error', () => {
    assert.equal(errorType({ outcome: 'error', errorCode: -32602 }), 'invalid_params');
    assert.equal(errorType({ outcome: 'error', errorCode: -31999 }), 'jsonrpc_-31999');
    assert.equal(errorType({ outcome: 'tool_error', errorCode: null }), 'tool_error');
    assert.equal(errorType({ outcome: 'cancelled', errorCode: null }), null);
  });
});

describe('aggregator', () => {
  test('record never throws, whatever it is given', async () => {
    const agg = new Aggregator({ store: await sqlite(), now: () => NOW });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    agg.record(requestEvent({ serverId: 'odd', startedAt: NOW, latencyMs: NaN }));
    agg.record(requestEvent({ serverId: 'odd', startedAt: Number.POSITIVE_INFINITY }));
    agg.record(
      requestEvent({ serverId: 'odd', startedAt: NOW, latencyMs: -5, outcome: 'error', errorData: circular }),
    );
    agg.record(
      requestEvent({
        serverId: 'odd',
        startedAt: NOW,
        outcome: 'tool_error',
        errorMessage: null,
        errorData: 'x'.repeat(1e6),
      }),
    );
    assert.equal(agg.stats().rejectedEvents, 2);
    assert.equal((await agg.flush()).ok, true);
    const samples = await store.db
      .selectFrom('error_events')
      .selectAll()
      .where('server_id', '=', 'odd')
      .execute();
    assert.deepEqual(samples.map((s) => s.error_type).sort(), ['internal_error', 'tool_error']);
    assert.ok(samples.every((s) => (s.stack_trace?.length ?? 0) <= 8000));
  });

  test('live(): last 60 s and 5 min average latency, error rate and rps from memory', async () => {
    let now = NOW;
    const agg = new Aggregator({ store: await sqlite(), now: () => now });
    for (let s = 0; s < 300; s++) {
      const outcome = s % 10 === 0 ? 'tool_error' : s % 10 === 1 ? 'timeout' : 'ok';
      const latencyMs = s < 60 ? 200 : 100;
      agg.record(
        requestEvent({ serverId: 'live', startedAt: NOW - s * SEC - latencyMs, latencyMs, outcome }),
      );
    }
    agg.record(requestEvent({ serverId: 'live', startedAt: NOW - 10 * MIN })); // too old for either window
    const { last60s, last5m } = agg.live('live');
    assert.deepEqual(last60s, { requests: 60, rps: 1, avgLatencyMs: 200, errorRatePercent: 20 });
    assert.deepEqual(last5m, { requests: 300, rps: 1, avgLatencyMs: 120, errorRatePercent: 20 });
    now += 61 * SEC;
    assert.equal(agg.live('live').last60s.requests, 0);
    assert.equal(agg.live('live').last60s.avgLatencyMs, null);
    assert.equal(agg.live('nobody').last5m.requests, 0);
  });

  test('at most 20 error samples per group and minute; the rest are counted', async () => {
    const agg = new Aggregator({ store: await sqlite(), now: () => NOW });
    for (let i = 0; i < 50; i++)
      agg.record(requestEvent({ serverId: 'noisy', startedAt: NOW - 2 * MIN, outcome: 'timeout' }));
    for (let i = 0; i < 5; i++)
      agg.record(requestEvent({ serverId: 'noisy', startedAt: NOW - MIN, outcome: 'timeout' }));
    assert.equal((await agg.flush()).ok, true);
    for (let i = 0; i < 50; i++)
      agg.record(requestEvent({ serverId: 'noisy', startedAt: NOW - MIN, outcome: 'timeout' }));
    assert.equal((await agg.flush()).ok, true);
    assert.equal(agg.stats().unsampledErrors, 30 + 35);
    const samples = await store.db
      .selectFrom('error_events')
      .select('id')
      .where('server_id', '=', 'noisy')
      .execute();
    assert.equal(samples.length, 40);
    const groups = await store.db
      .selectFrom('error_groups')
      .selectAll()
      .where('server_id', '=', 'noisy')
      .execute();
    assert.equal(groups.length, 1);
    assert.deepEqual(
      [groups[0]?.count, groups[0]?.first_seen, groups[0]?.last_seen],
      [105, NOW - 2 * MIN, NOW - MIN],
    );
  });

  test('the memory bound drops the oldest minute buckets and counts them', async () => {
    const agg = new Aggregator({ store: await sqlite(), maxBuckets: 3, now: () => NOW });
    for (const m of [5, 5, 4, 3, 2, 1])
      agg.record(requestEvent({ serverId: 'bound', startedAt: NOW - m * MIN }));
    assert.deepEqual(
      [agg.stats().droppedBuckets, agg.stats().droppedEvents, agg.stats().pendingBuckets],
      [2, 3, 3],
    );
    assert.equal((await agg.flush()).ok, true);
    const kept = await store.db
      .selectFrom('request_rollups')
      .select('bucket_start')
      .where('server_id', '=', 'bound')
      .where('endpoint', '<>', SERVER_TOTAL)
      .execute();
    assert.deepEqual(kept.map((r) => (NOW - r.bucket_start) / MIN).sort(), [1, 2, 3]);
  });

  test("each flush writes a server's total per minute beside its endpoints; a method named '*' is not one", async () => {
    const agg = new Aggregator({ store: await sqlite(), now: () => NOW });
    const events = [
      requestEvent({ serverId: 'tot', endpoint: 'tools/list', startedAt: NOW - MIN, latencyMs: 10 }),
      requestEvent({ serverId: 'tot', endpoint: 'tools/call:echo', startedAt: NOW - MIN, latencyMs: 30 }),
      requestEvent({ serverId: 'tot', endpoint: SERVER_TOTAL, startedAt: NOW - MIN, outcome: 'error' }),
      requestEvent({ serverId: 'tot', endpoint: 'tools/list', startedAt: NOW - 2 * MIN, latencyMs: 20 }),
    ];
    for (const e of events) agg.record(e);
    assert.equal((await agg.flush()).ok, true);
    const rows = await store.db
      .selectFrom('request_rollups')
      .select(['endpoint', 'bucket_start', 'count', 'errors', 'min_ms', 'max_ms'])
      .where('server_id', '=', 'tot')
      .orderBy('bucket_start')
      .orderBy('endpoint')
      .execute();
    const ago = (r: { bucket_start: number }) => (NOW - r.bucket_start) / MIN;
    assert.deepEqual(
      rows.filter((r) => r.endpoint === SERVER_TOTAL).map((r) => [ago(r), r.count, r.errors, r.max_ms]),
      [
        [2, 1, 0, 20],
        [1, 3, 1, 30],
      ],
    );
    assert.deepEqual(
      rows.filter((r) => r.endpoint !== SERVER_TOTAL).map((r) => [ago(r), r.endpoint]),
      [
        [2, 'tools/list'],
        [1, `(${SERVER_TOTAL})`],
        [1, 'tools/call:echo'],
        [1, 'tools/list'],
      ],
    );
  });

  test('start() flushes on its interval; stop() flushes what is left', async () => {
    const agg = new Aggregator({ store: await sqlite(), intervalS: 0.05, now: () => NOW });
    const count = async () =>
      (
        await store.db
          .selectFrom('request_rollups')
          .select('count')
          .where('server_id', '=', 'timer')
          .where('endpoint', '<>', SERVER_TOTAL)
          .execute()
      )
        .map((r) => r.count)
        .reduce((a, b) => a + b, 0);
    agg.start();
    agg.record(requestEvent({ serverId: 'timer', startedAt: NOW }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await count(), 1);
    agg.record(requestEvent({ serverId: 'timer', startedAt: NOW }));
    assert.equal((await agg.stop()).ok, true);
    assert.equal(await count(), 2);
    assert.ok(agg.stats().flushes >= 2);
  });
});
