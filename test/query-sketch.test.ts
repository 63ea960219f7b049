import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../src/store/open-store.js';
import { rollupsRepo, type NewRollup } from '../src/store/rollups-repo.js';
import { PrometheusMetrics } from '../src/metrics/prometheus.js';
import { errorType } from '../src/errors/index.js';
import { RowCache } from '../src/metrics/read/row-cache.js';
import { SketchBins, denseOf } from '../src/metrics/sketch/sketch-bins.js';
import { encodeSketch, newSketch, quantile } from '../src/metrics/sketch/sketch-codec.js';
import { groupAndTotal, quantileOf } from '../src/metrics/read/traffic-read.js';
import { lognormal, requestEvent, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import type { Outcome } from '../src/model/request-event.js';

const QS = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

describe('merged bins', () => {
  test('give exactly the percentiles of DDSketch.merge over the same sketches', () => {
    const rnd = seededRandom(3);
    const merged = newSketch();
    const bins = new SketchBins();
    for (let s = 0; s < 200; s++) {
      const sketch = newSketch();
      const median = 1 + rnd() * 500;
      for (let i = 0; i < 1 + Math.floor(rnd() * 300); i++)
        sketch.accept(rnd() < 0.01 ? 0 : lognormal(rnd, median, 1.2));
      merged.merge(sketch);
      const bytes = encodeSketch(sketch);
      if (s % 2) assert.equal(bins.addEncoded(bytes), true);
      else bins.addDense(denseOf(bytes) ?? assert.fail('unreadable'));
    }
    for (const q of QS) {
      assert.equal(bins.quantile(q), quantile(merged, q), `q=${q}`);
      assert.equal(quantile(bins.toSketch(), q), quantile(merged, q), `toSketch q=${q}`);
    }
    const half = new SketchBins();
    half.addBins(bins);
    half.addBins(new SketchBins());
    for (const q of QS) assert.equal(half.quantile(q), quantile(merged, q));
  });

  test('values accepted into bins encode to the very bytes of a DDSketch that accepted them', () => {
    const rnd = seededRandom(9);
    for (const median of [0.05, 3, 40, 900]) {
      const sketch = newSketch();
      const bins = new SketchBins();
      for (let i = 0; i < 2000; i++) {
        const v = rnd() < 0.01 ? 0 : lognormal(rnd, median, 1.5);
        sketch.accept(v);
        bins.accept(v);
      }
      assert.deepEqual(bins.encode(), encodeSketch(sketch), `median ${median}`);
      for (const q of QS) assert.equal(bins.quantile(q), quantile(sketch, q), `median ${median} q=${q}`);
    }
    assert.deepEqual(new SketchBins().encode(), encodeSketch(newSketch()));
  });

  test('a single sketch is read in place, and adding more never writes into it', () => {
    const rnd = seededRandom(5);
    const [a, b, merged] = [newSketch(), newSketch(), newSketch()];
    for (let i = 0; i < 500; i++) {
      a.accept(lognormal(rnd, 20, 1));
      b.accept(lognormal(rnd, 200, 1));
    }
    merged.merge(a);
    merged.merge(b);
    const dense = (s: typeof a) => denseOf(encodeSketch(s)) ?? assert.fail('unreadable');
    const da = dense(a);
    const before = [...da.counts];
    const one = new SketchBins();
    one.addDense(da);
    for (const q of QS) assert.equal(one.quantile(q), quantile(a, q), `one q=${q}`);
    const total = new SketchBins();
    total.addBins(one);
    total.addDense(dense(b));
    one.addEncoded(encodeSketch(b));
    for (const q of QS) {
      assert.equal(total.quantile(q), quantile(merged, q), `total q=${q}`);
      assert.equal(one.quantile(q), quantile(merged, q), `one + b q=${q}`);
    }
    assert.deepEqual([...da.counts], before);
  });

  test('unreadable bytes add nothing; an empty total has no percentiles', () => {
    const bins = new SketchBins();
    for (const junk of [[], [9], [1, 0x80], [1, 2, 5, 1]]) {
      assert.equal(bins.addEncoded(Buffer.from(junk)), false);
      assert.equal(denseOf(Buffer.from(junk)), null);
    }
    assert.equal(bins.quantile(0.5), null);
    assert.equal(quantile(bins.toSketch(), 0.5), null);
  });
});

describe('row cache and grouped totals over a store', () => {
  let store: Store;
  after(async () => store?.close());

  test('rows come back the same from the cache; totals match per group and overall', async () => {
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'mcp-health-query-')) });
    const rnd = seededRandom(9);
    const raw: number[] = [];
    const rows: NewRollup[] = Array.from({ length: 40 }, (_, i) => {
      const s = newSketch();
      for (let k = 0; k < 50; k++) {
        const v = lognormal(rnd, 20 + i, 0.7);
        raw.push(v);
        s.accept(v);
      }
      return {
        server_id: 'cached',
        endpoint: i % 2 ? 'tools/list' : 'tools/call:echo',
        resolution: '1h',
        bucket_start: (i % 10) * 3_600_000,
        count: 50,
        errors: i % 3,
        tool_errors: 0,
        timeouts: 0,
        sum_ms: 1,
        min_ms: 1,
        max_ms: 2,
        sketch: encodeSketch(s),
      };
    });
    await rollupsRepo.insertMany(store.db, rows);
    const cache = new RowCache(10 * 2 ** 20);
    const range = { from: 0, to: 10 * 3_600_000, serverId: 'cached' };
    const ids = await rollupsRepo.rangeIds(store.db, '1h', ['1m'], range);
    assert.equal(ids.length, 40);
    const first = await cache.get(store.db, ids);
    const again = await cache.get(store.db, ids);
    assert.equal(cache.size, 40);
    const byId = (xs: typeof first) => [...xs].sort((a, b) => a.id - b.id);
    assert.deepEqual(byId(again), byId(first)); // the same rows, in any order
    const { groups, total } = groupAndTotal(again, (r) => r.endpoint);
    assert.equal(total.count, 2000);
    assert.equal(
      [...groups.values()].reduce((n, t) => n + t.errors, 0),
      rows.reduce((n, r) => n + r.errors, 0),
    );
    const all = newSketch();
    for (const v of raw) all.accept(v);
    for (const q of QS) assert.equal(quantileOf(total, q), quantile(all, q), `q=${q}`);
    assert.equal(quantile(total.sketch, 0.99), quantile(all, 0.99));
    // a small budget keeps the newest rows only
    const small = new RowCache(4000);
    await small.get(store.db, ids);
    assert.ok(small.size > 0 && small.size < 40, `${small.size} rows kept`);
  });
});

describe('error_type in /metrics', () => {
  test('uses the words stored in error_events; a cancelled request is not an error', async () => {
    const prom = new PrometheusMetrics(() => []);
    const cases: [Outcome, number | null][] = [
      ['error', -32602],
      ['error', -31999],
      ['error', null],
      ['tool_error', null],
      ['timeout', null],
      ['transport_error', null],
      ['cancelled', null],
    ];
    for (const [outcome, errorCode] of cases)
      prom.record(
        requestEvent({
          serverId: 's',
          startedAt: 1,
          endpoint: 'tools/call:x',
          method: 'tools/call',
          outcome,
          errorCode,
        }),
      );
    const text = await prom.text();
    const labels = [...text.matchAll(/mcp_health_request_errors_total\{[^}]*error_type="([^"]*)"\} 1/g)]
      .map((m) => m[1])
      .sort();
    const stored = cases
      .map(([outcome, errorCode]) => errorType({ outcome, errorCode }))
      .filter((t): t is string => t !== null)
      .sort();
    assert.deepEqual(labels, stored);
    assert.ok(labels.includes('invalid_params') && labels.includes('jsonrpc_-31999'));
  });

  test('each series is labelled by its own event: one endpoint reported under two methods is two series', async () => {
    const prom = new PrometheusMetrics(() => []);
    for (const method of ['tools/call', 'custom/op', 'custom/op'])
      prom.record(
        requestEvent({ serverId: 's', startedAt: 1, endpoint: 'tools/call:x', method, outcome: 'ok' }),
      );
    const text = await prom.text();
    assert.match(
      text,
      /mcp_health_requests_total\{server="s",mcp_method_name="tools\/call",gen_ai_tool_name="x"\} 1/,
    );
    assert.match(
      text,
      /mcp_health_requests_total\{server="s",mcp_method_name="custom\/op",gen_ai_tool_name=""\} 2/,
    );
  });
});
