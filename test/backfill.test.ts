import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rollUp } from '../src/metrics/aggregate/rollup.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { withRawStore } from './helpers/raw-store.js';
import { storeKinds } from './helpers/stores.js';
import { DAY, HOUR, MIN, addReportedServer, ingest, type PastEvent } from './helpers/backfill.js';

const floor = (t: number, step: number) => Math.floor(t / step) * step;

for (const kind of await storeKinds()) {
  describe(`backfill through the ingest API (${kind})`, () => {
    let h: Harness;
    let server: string;
    before(async () => {
      h = await startHarness({ kind });
      server = await addReportedServer(h, 'importer');
    });
    after(() => h.destroy());

    const event = (startedAt: number, latency = 20): PastEvent => ({
      server,
      method: 'tools/list',
      started_at: startedAt,
      latency_ms: latency,
      outcome: 'ok',
    });
    const rollupRows = () =>
      withRawStore(h.target, (q) =>
        q(
          `select resolution, bucket_start, count, rolled from request_rollups
           where server_id = ? and endpoint = '*' order by resolution, bucket_start`,
          [server],
        ),
      );
    const rowAt = async (resolution: string, start: number) =>
      (await rollupRows()).filter((r) => r.resolution === resolution && Number(r.bucket_start) === start);

    test('an event past the longest retention (400 days) is refused, naming the field', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/events',
        payload: { events: [event(Date.now() - HOUR), event(Date.now() - 401 * DAY)] },
      });
      assert.equal(res.statusCode, 400);
      const [problem] = res.json().error.details.fields;
      assert.equal(problem.field, 'events.1.started_at');
      assert.match(problem.message, /400 days in the past/);
    });

    test('past events land in the finest tier that still keeps them, and roll up as live ones', async () => {
      const now = Date.now();
      // Anchored inside their minute, hour and day, so that no group of events straddles a
      // boundary whatever the time the test runs at.
      const recent = floor(now - 3 * HOUR, MIN) + 1000;
      const lastWeek = floor(now - 7 * DAY, HOUR) + 10 * MIN;
      const lastQuarter = floor(now - 90 * DAY, DAY) + 6 * HOUR;
      await ingest(h, [
        event(recent),
        event(recent + 1),
        ...Array.from({ length: 5 }, (_, i) => event(lastWeek + i * MIN, 10 * (i + 1))),
        event(lastQuarter),
        event(lastQuarter + HOUR),
      ]);
      // within 48 h: a minute row; within metrics_retention_days (30): an hour row; older: a day row
      assert.equal(Number((await rowAt('1m', floor(recent, MIN)))[0]?.count), 2);
      assert.equal(Number((await rowAt('1h', floor(lastWeek, HOUR)))[0]?.count), 5);
      assert.equal(Number((await rowAt('1d', floor(lastQuarter, DAY)))[0]?.count), 2);
      assert.equal((await rollupRows()).filter((r) => r.resolution === '1m').length, 1);
      assert.equal(h.monitor.aggregator.stats().droppedEvents, 0);

      await rollUp(h.monitor.store.db, now);
      assert.equal(Number((await rowAt('1h', floor(recent, HOUR)))[0]?.count), 2, 'minutes into their hour');
      assert.equal(Number((await rowAt('1d', floor(lastWeek, DAY)))[0]?.count), 5, 'hours into their day');
      // rolled, like live rows, once their hour (their day) is complete; today's hours wait for midnight
      const done = (await rollupRows()).filter(
        (r) =>
          (r.resolution === '1m' && Number(r.bucket_start) < floor(now, HOUR)) ||
          (r.resolution === '1h' && Number(r.bucket_start) < floor(now, DAY)),
      );
      assert.equal(done.length, 2);
      assert.ok(
        done.every((r) => Number(r.rolled) === 1),
        JSON.stringify(done),
      );

      // the series API reads them like live rows: the hour of last week, from merged sketches
      const from = new Date(floor(lastWeek, HOUR)).toISOString();
      const to = new Date(floor(lastWeek, HOUR) + HOUR).toISOString();
      const res = await h.app.inject({
        method: 'GET',
        url: `/api/v1/servers/${server}/metrics?metric=latency_p95&from=${from}&to=${to}`,
      });
      assert.equal(res.statusCode, 200, res.body);
      const p95 = res.json().aggregate as number;
      assert.ok(Math.abs(p95 - 40) <= 0.4, `p95 of 10, 20, .. 50 ms (the 4th, as sketches rank): ${p95}`);
    });

    test('weeks of minutes stay within the memory bound: backfilled as hours, none dropped', async () => {
      const start = floor(Date.now(), HOUR) - 21 * DAY;
      const events = Array.from({ length: 21 * 24 * 30 }, (_, i) => event(start + i * 2 * MIN));
      await ingest(h, events);
      assert.equal(h.monitor.aggregator.stats().droppedEvents, 0);
      const hours = (await rollupRows()).filter(
        (r) => r.resolution === '1h' && Number(r.bucket_start) >= start,
      );
      assert.ok(hours.length >= 19 * 24, `hour rows: ${hours.length}`);
    });
  });
}
