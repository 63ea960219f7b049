import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rollUp } from '../src/metrics/aggregate/rollup.js';
import { forecastAnswer, type Forecasted, type NotEnoughHistory } from '../src/api/contract/forecasts.js';
import { lognormal, seasonalHourlyCounts, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { withRawStore } from './helpers/raw-store.js';
import { storeKinds } from './helpers/stores.js';
import { DAY, HOUR, addReportedServer, ingest, type PastEvent } from './helpers/backfill.js';

const WEEKS = 4;

/** One event per request, spread over its hour, latencies around 40 ms. */
function eventsOf(server: string, from: number, counts: number[], seed: number): PastEvent[] {
  const random = seededRandom(seed);
  return counts.flatMap((n, k) =>
    Array.from({ length: n }, () => ({
      server,
      method: 'tools/call',
      started_at: from + k * HOUR + Math.floor(random() * HOUR),
      latency_ms: lognormal(random, 40, 0.5),
      outcome: 'ok' as const,
    })),
  );
}

for (const kind of await storeKinds()) {
  describe(`forecasts on backfilled history (${kind})`, () => {
    let h: Harness;
    let truth: number[];
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const start = hour - WEEKS * 7 * DAY;
    before(async () => {
      // no gauge samples or flushes of their own while the test writes the history
      h = await startHarness({ kind, settings: { metrics_collection_interval: 3600 } });
      const server = await addReportedServer(h, 'seasonal');
      const all = seasonalHourlyCounts((WEEKS + 1) * 7 * 24, 7);
      truth = all.slice(WEEKS * 7 * 24);
      await ingest(h, eventsOf(server, start, all.slice(0, WEEKS * 7 * 24), 8));
      await rollUp(h.monitor.store.db);
      const young = await addReportedServer(h, 'young');
      await ingest(h, eventsOf(young, hour - 30 * HOUR, seasonalHourlyCounts(30, 9), 10));
      await addReportedServer(h, 'flat');
      const samples = Array.from({ length: 3 * 24 * 6 }, (_, i) => ({
        server_id: 'flat',
        metric_name: 'active_connections',
        metric_value: 5,
        tags: null,
        timestamp: hour - 3 * DAY + i * 10 * 60_000,
      }));
      await h.monitor.store.db.insertInto('server_metrics').values(samples).execute();
    });
    after(() => h.destroy());

    const get = async <T>(url: string): Promise<T> => {
      const res = await h.app.inject({ method: 'GET', url });
      assert.equal(
        res.statusCode,
        200,
        `${res.body} ${h.logLines.filter((l) => l.includes('"level":50')).join('\n')}`,
      );
      return forecastAnswer.parse(res.json()) as T;
    };

    test('the backfilled weeks are in hour rows, and in day rows once rolled up', async () => {
      const rows = await withRawStore(h.target, (q) =>
        q(`select resolution, count(*) as n, sum(count) as requests from request_rollups
           where server_id = 'seasonal' and endpoint = '*' group by resolution`),
      );
      const of = (r: string) => rows.find((x) => x.resolution === r);
      assert.ok(Number(of('1h')?.n) >= WEEKS * 7 * 24 - 1, JSON.stringify(rows));
      assert.ok(Number(of('1d')?.n) >= WEEKS * 7 - 1, JSON.stringify(rows));
    });

    test('a forecast: daily and weekly seasonality found, the held-out week inside the band', async () => {
      const f = await get<Forecasted>(
        '/api/v1/servers/seasonal/forecast?metric=requests&horizon=7d&level=0.95',
      );
      assert.equal(f.status, 'ok');
      assert.deepEqual(f.seasonality, [24, 168]);
      assert.equal(f.model, 'mstl_ets');
      assert.equal(f.step, '1h');
      assert.equal(f.history.length, WEEKS * 7 * 24);
      assert.deepEqual([f.points.length, f.points[0]?.t], [168, hour]);
      const inside = f.points.filter((p, i) => (truth[i] ?? NaN) >= p.lower && (truth[i] ?? NaN) <= p.upper);
      const mape =
        (f.points.reduce((a, p, i) => a + Math.abs(p.value - (truth[i] ?? 0)) / (truth[i] || 1), 0) / 168) *
        100;
      process.stdout.write(
        `# ${kind}: held-out week inside the 95 % band ${((inside.length / 168) * 100).toFixed(0)} %, ` +
          `MAPE ${mape.toFixed(1)} % (backtest ${f.backtest.mape?.toFixed(1)} % over ${f.backtest.held_out_hours} h)\n`,
      );
      assert.ok(inside.length / 168 >= 0.8, `inside the band: ${inside.length} of 168`);
      assert.ok(mape <= 15, `MAPE ${mape}`);
      assert.ok(f.backtest.mape !== null && f.backtest.mape <= 15, `backtest MAPE ${f.backtest.mape}`);
      assert.equal(f.backtest.held_out_hours, 168);
    });

    test('a second request within the hour is the cached forecast', async () => {
      const q = { serverId: 'seasonal', metric: 'requests' as const, horizonHours: 168, level: 0.95 };
      const first = await h.monitor.forecasts.forecast(q); // fitted by the test above
      const t0 = performance.now();
      const again = await h.monitor.forecasts.forecast(q);
      process.stdout.write(`# ${kind}: cached forecast in ${(performance.now() - t0).toFixed(2)} ms\n`);
      assert.equal(again, first, 'the same answer, not fitted again');
    });

    test('p95 is forecast from merged sketches; a 30-day horizon steps by day', async () => {
      const p95 = await get<Forecasted>('/api/v1/servers/seasonal/forecast?metric=p95&horizon=2d');
      assert.equal(p95.points.length, 48);
      assert.ok(
        p95.points.every((p) => p.value > 30 && p.value < 200),
        JSON.stringify(p95.points[0]),
      );
      const daily = await get<Forecasted>('/api/v1/servers/seasonal/forecast?metric=requests&horizon=30d');
      assert.deepEqual([daily.step, daily.points.length, daily.history.length], ['1d', 30, WEEKS * 7]);
    });

    test('under two days of history: a clear "not enough history", not a flat guess', async () => {
      const f = await get<NotEnoughHistory>('/api/v1/servers/young/forecast?metric=requests');
      assert.equal(f.status, 'not_enough_history');
      assert.deepEqual([f.needed_hours, f.have_hours], [48, 30]);
      assert.match(f.message, /2 days/);
    });

    test('a flat series is flagged as nothing: no seasonality, a flat forecast, no error', async () => {
      const f = await get<Forecasted>('/api/v1/servers/flat/forecast?metric=connections&horizon=12h');
      assert.deepEqual([f.seasonality, f.model, f.backtest.mape], [[], 'ets', 0]);
      for (const p of f.points) {
        assert.ok(Math.abs(p.value - 5) < 1e-6 && p.upper - p.lower < 1e-6, JSON.stringify(p));
      }
    });

    test('bad metric, horizon and level are refused, naming the field', async () => {
      for (const [query, field] of [
        ['metric=nope', 'query.metric'],
        ['metric=requests&horizon=31d', 'query.horizon'],
        ['metric=requests&horizon=soon', 'query.horizon'],
        ['metric=requests&level=0.999', 'query.level'],
        ['horizon=1d', 'query.metric'],
      ]) {
        const res = await h.app.inject({ method: 'GET', url: `/api/v1/servers/seasonal/forecast?${query}` });
        assert.equal(res.statusCode, 400, query);
        assert.equal(res.json().error.details.fields[0].field, field, query);
      }
      const missing = await h.app.inject({ method: 'GET', url: '/api/v1/servers/nope/forecast?metric=cpu' });
      assert.equal(missing.statusCode, 404);
    });

    test('the OpenAPI document lists both routes with their query', async () => {
      const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      for (const path of ['/api/v1/servers/{id}/forecast', '/api/v1/forecast']) {
        const names = doc.paths[path].get.parameters.map((p: { name: string }) => p.name);
        for (const name of ['metric', 'horizon', 'level']) assert.ok(names.includes(name), `${path} ${name}`);
      }
    });

    test('the fleet forecast is fitted off the event loop: /healthz answers meanwhile', async () => {
      const pending = h.app.inject({
        method: 'GET',
        url: '/api/v1/forecast?metric=requests&horizon=3d&level=0.9',
      });
      let done = false;
      void pending.then(() => (done = true));
      const waits: number[] = [];
      while (!done) {
        const t0 = performance.now();
        const res = await h.app.inject({ method: 'GET', url: '/healthz' });
        assert.equal(res.statusCode, 200);
        waits.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 5));
      }
      const fleet = forecastAnswer.parse((await pending).json()) as Forecasted;
      assert.deepEqual([fleet.server, fleet.status, fleet.points.length], [null, 'ok', 72]);
      assert.ok(waits.length >= 3, `healthz answered ${waits.length} times during the fit`);
      assert.ok(Math.max(...waits) < 250, `slowest healthz: ${Math.max(...waits).toFixed(0)} ms`);
    });
  });
}
