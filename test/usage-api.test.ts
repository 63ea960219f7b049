import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { addReportedServer } from './helpers/backfill.js';

const kinds = await storeKinds();
const [HOUR, DAY] = [3_600_000, 86_400_000];

interface Sent {
  server: string;
  endpoint: string;
  started_at: number;
  outcome: 'ok' | 'error' | 'tool_error' | 'timeout';
  client_name: string;
  client_version: string;
  protocol_version: string;
}

/**
 * Known traffic over three UTC days: two servers, three clients, two protocol versions, errors
 * of each kind, at chosen hours. Everything expected is counted from this list.
 */
function knownTraffic(today: number): Sent[] {
  const out: Sent[] = [];
  const add = (n: number, e: Omit<Sent, 'started_at'>, at: number) => {
    for (let i = 0; i < n; i++) out.push({ ...e, started_at: at + i * 1000 });
  };
  const cursor = { client_name: 'cursor', client_version: '1.2', protocol_version: '2025-06-18' };
  const claude = { client_name: 'claude-desktop', client_version: '0.9', protocol_version: '2026-07-28' };
  const claudeOld = { ...claude, client_version: '0.8' };
  add(
    30,
    { server: 'alpha', endpoint: 'tools/call:echo', outcome: 'ok', ...cursor },
    today - 3 * DAY + 5 * HOUR,
  );
  add(
    12,
    { server: 'alpha', endpoint: 'tools/list', outcome: 'ok', ...claude },
    today - 3 * DAY + 5 * HOUR + 60_000,
  );
  add(
    20,
    { server: 'alpha', endpoint: 'tools/call:echo', outcome: 'ok', ...claude },
    today - 2 * DAY + 14 * HOUR,
  );
  add(
    4,
    { server: 'alpha', endpoint: 'tools/call:echo', outcome: 'error', ...claude },
    today - 2 * DAY + 14 * HOUR,
  );
  add(
    3,
    { server: 'alpha', endpoint: 'tools/call:fail', outcome: 'tool_error', ...claudeOld },
    today - 2 * DAY + 15 * HOUR,
  );
  add(
    2,
    { server: 'alpha', endpoint: 'tools/call:fail', outcome: 'timeout', ...claudeOld },
    today - 2 * DAY + 15 * HOUR,
  );
  add(25, { server: 'beta', endpoint: 'tools/call:echo', outcome: 'ok', ...cursor }, today - DAY + 23 * HOUR);
  add(
    5,
    { server: 'beta', endpoint: 'prompts/get:hello', outcome: 'ok', ...cursor },
    today - 3 * DAY + 5 * HOUR,
  );
  return out;
}

const sumBy = <T>(xs: T[], key: (x: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
};

for (const kind of kinds)
  describe(`usage API (${kind})`, () => {
    let h: Harness;
    const today = Math.floor(Date.now() / DAY) * DAY;
    const sent = knownTraffic(today);
    const from = today - 4 * DAY;
    const to = today;

    before(async () => {
      h = await startHarness({ kind });
      for (const name of ['alpha', 'beta']) await addReportedServer(h, name);
      const events = sent.map((e) => ({
        ...e,
        method: e.endpoint.split(':')[0],
        latency_ms: 12,
        ...(e.outcome === 'error' ? { error_code: -32603, error_message: 'boom' } : {}),
      }));
      const ingest = await h.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/events',
        payload: { events },
      });
      assert.equal(ingest.statusCode, 202, ingest.body);
      assert.equal((await h.monitor.aggregator.flush()).ok, true);
    });
    after(() => h.destroy());

    test("one server's usage: hours, weekdays, endpoints, clients, protocols, days", async () => {
      const res = await h.app.inject({ url: `/api/v1/servers/alpha/usage?from=${from}&to=${to}` });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      const mine = sent.filter((e) => e.server === 'alpha');
      assert.equal(body.server_id, 'alpha');
      assert.equal(body.requests, mine.length);
      assert.equal(body.errors, 6); // 4 JSON-RPC errors + 2 timeouts
      assert.equal(body.tool_errors, 3);
      assert.ok(Math.abs(body.error_rate_percent - (9 / mine.length) * 100) < 1e-9);

      const hours = sumBy(mine, (e) => String(new Date(e.started_at).getUTCHours()));
      assert.equal(body.by_hour_of_day.length, 24);
      for (const { hour, requests } of body.by_hour_of_day)
        assert.equal(requests, hours[hour] ?? 0, `hour ${hour}`);
      const days = sumBy(mine, (e) => String(new Date(e.started_at).getUTCDay()));
      assert.equal(body.by_day_of_week.length, 7);
      for (const { day, requests } of body.by_day_of_week)
        assert.equal(requests, days[day] ?? 0, `weekday ${day}`);

      assert.deepEqual(
        body.top_endpoints.map((e: { endpoint: string; requests: number }) => [e.endpoint, e.requests]),
        [
          ['tools/call:echo', 54],
          ['tools/list', 12],
          ['tools/call:fail', 5],
        ],
      );
      const fail = body.top_endpoints[2];
      assert.equal(fail.errors, 2);
      assert.equal(fail.tool_errors, 3);
      assert.equal(fail.error_rate_percent, 100);

      assert.deepEqual(body.clients, [
        { client_name: 'claude-desktop', client_version: '0.9', requests: 36, errors: 4 },
        { client_name: 'cursor', client_version: '1.2', requests: 30, errors: 0 },
        { client_name: 'claude-desktop', client_version: '0.8', requests: 5, errors: 2 },
      ]);
      assert.deepEqual(body.protocol_versions, [
        { protocol_version: '2026-07-28', requests: 41 },
        { protocol_version: '2025-06-18', requests: 30 },
      ]);

      assert.deepEqual(
        body.daily.map((d: { day: number; requests: number }) => [d.day, d.requests]),
        [
          [today - 4 * DAY, 0],
          [today - 3 * DAY, 42],
          [today - 2 * DAY, 29],
          [today - DAY, 0],
        ],
      );
      assert.deepEqual(body.daily[2], { day: today - 2 * DAY, requests: 29, errors: 6, tool_errors: 3 });
    });

    test('the fleet: both servers, top endpoints per server, limit', async () => {
      const res = await h.app.inject({ url: `/api/v1/usage?from=${from}&to=${to}&limit=2` });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.server_id, null);
      assert.equal(body.requests, sent.length);
      assert.deepEqual(
        body.top_endpoints.map((e: { server_id: string; endpoint: string; requests: number }) => [
          e.server_id,
          e.endpoint,
          e.requests,
        ]),
        [
          ['alpha', 'tools/call:echo', 54],
          ['beta', 'tools/call:echo', 25],
        ],
      );
      assert.equal(body.by_hour_of_day[5].requests, 47);
      assert.equal(body.by_hour_of_day[23].requests, 25);
      assert.deepEqual(
        body.daily.map((d: { requests: number }) => d.requests),
        [0, 47, 29, 25],
      );
      assert.equal(body.protocol_versions[0].requests, 60); // cursor on 2025-06-18 at both servers
    });

    test("a time zone: hours, weekdays and days are the zone's (New York, with its own DST)", async () => {
      const zone = 'America/New_York';
      const res = await h.app.inject({
        url: `/api/v1/usage?from=${from}&to=${to}&time_zone=${encodeURIComponent(zone)}`,
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.time_zone, zone);
      assert.equal(body.requests, sent.length);
      // Counted here through Date's own time-zone support, from each event's stored hour.
      const local = (ms: number, o: Intl.DateTimeFormatOptions) =>
        new Date(ms).toLocaleString('en-US', { timeZone: zone, ...o });
      const hourOf = (e: Sent) => Math.floor(e.started_at / HOUR) * HOUR;
      const hours = sumBy(sent, (e) =>
        String(Number(local(hourOf(e), { hour: 'numeric', hourCycle: 'h23' }))),
      );
      for (const { hour, requests } of body.by_hour_of_day)
        assert.equal(requests, hours[hour] ?? 0, `hour ${hour}`);
      const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
      const days = sumBy(sent, (e) => String(weekdays.indexOf(local(hourOf(e), { weekday: 'short' }))));
      for (const { day, requests } of body.by_day_of_week)
        assert.equal(requests, days[day] ?? 0, `weekday ${day}`);
      const dates = sumBy(sent, (e) => local(hourOf(e), { dateStyle: 'short' }));
      const daily = body.daily as { day: number; requests: number }[];
      assert.ok(daily.length >= 4 && daily.length <= 6, JSON.stringify(daily));
      for (const d of daily) {
        assert.equal(local(d.day, { hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }), '00:00');
        assert.equal(d.requests, dates[local(d.day, { dateStyle: 'short' })] ?? 0, local(d.day, {}));
      }
      assert.equal(
        daily.reduce((n, d) => n + d.requests, 0),
        sent.length,
      );
      // The zone's days carry every kind of error too (usage rows count tool errors since migration 008).
      const errorsByDay = body.daily as { errors: number; tool_errors: number }[];
      assert.equal(
        errorsByDay.reduce((n, d) => n + d.errors, 0),
        body.errors,
      );
      assert.equal(
        errorsByDay.reduce((n, d) => n + d.tool_errors, 0),
        body.tool_errors,
      );
      assert.equal(body.tool_errors, 3);
      assert.ok(
        daily[0] && daily[0].day <= from && from < (daily[1]?.day ?? Infinity),
        'the first day holds from',
      );
    });

    test('the same figures after the minutes are rolled into hours and days', async () => {
      const { rollUp } = await import('../src/metrics/aggregate/rollup.js');
      await rollUp(h.monitor.store.db);
      const res = await h.app.inject({ url: `/api/v1/usage?from=${from}&to=${to}` });
      const body = res.json();
      assert.equal(body.requests, sent.length);
      assert.deepEqual(
        body.daily.map((d: { requests: number }) => d.requests),
        [0, 47, 29, 25],
      );
      // A zone's days where the hour tier no longer holds every hour (kept 2 days here): the
      // older days are whole UTC days from the day tier; nothing is lost or counted twice.
      const { usage } = await import('../src/metrics/read/usage.js');
      const zoned = await usage(h.monitor.store.db, {
        from,
        to,
        timeZone: 'America/New_York',
        retention: { metricsRetentionDays: 2, errorRetentionDays: 90 },
      });
      assert.equal(
        zoned.daily.reduce((n, d) => n + d.requests, 0),
        sent.length,
        JSON.stringify(zoned.daily),
      );
    });

    test('bad queries are refused naming the field; unknown server is 404', async () => {
      const cases: [string, string][] = [
        [`/api/v1/usage?from=yesterday`, 'query.from'],
        [`/api/v1/usage?from=${to}&to=${from}`, 'query.from'],
        [`/api/v1/usage?limit=0`, 'query.limit'],
        [`/api/v1/servers/alpha/usage?bogus=1`, 'query.bogus'],
        [`/api/v1/usage?from=${to - 500 * DAY}&to=${to}`, 'query.from'],
        [`/api/v1/usage?time_zone=Mars%2FOlympus`, 'query.time_zone'],
      ];
      for (const [url, field] of cases) {
        const res = await h.app.inject({ url });
        assert.equal(res.statusCode, 400, url);
        const fields = res.json().error.details.fields.map((d: { field: string }) => d.field);
        assert.ok(fields.includes(field), `${url}: ${JSON.stringify(res.json())}`);
      }
      assert.equal((await h.app.inject({ url: '/api/v1/servers/nope/usage' })).statusCode, 404);
    });
  });
