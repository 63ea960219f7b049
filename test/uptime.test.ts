import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { CheckWriter } from '../src/checker/check-writer.js';
import { uptimeSpan } from '../src/checker/uptime-span.js';
import { initialState, type ServerState } from '../src/model/server.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { startEverythingHttp } from './helpers/everything.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Checks every minute from `start` to `end`, down where `down(t)` says, written through the checker's own writer. */
async function writeHistory(
  h: Harness,
  serverId: string,
  start: number,
  end: number,
  down: (t: number) => boolean,
) {
  const writer = new CheckWriter(h.monitor.store, pino({ level: 'silent' }));
  let prev: ServerState = initialState();
  const spans: { from: number; to: number; up: boolean }[] = [];
  for (let t = start; t <= end; t += MIN) {
    const ok = !down(t);
    const state: ServerState = {
      ...prev,
      status: ok ? 'healthy' : 'offline',
      statusReason: null,
      lastCheck: t,
      consecutiveFailures: ok ? 0 : prev.consecutiveFailures + 1,
    };
    const span = uptimeSpan(serverId, prev, t, ok, 125_000);
    if (span.to > span.from) spans.push(span);
    writer.add(
      {
        server_id: serverId,
        server_name: serverId,
        endpoint_url: 'http://127.0.0.1:9/mcp',
        status: state.status,
        ok: ok ? 1 : 0,
        last_check: t,
        response_time_ms: ok ? 5 : null,
        error_message: ok ? null : 'connection refused',
        metadata: {},
      },
      state,
      span,
    );
    prev = state;
  }
  await writer.flush();
  return spans;
}

/** The reference: time up and down of the spans inside [from, to), integrated directly. */
function expected(spans: { from: number; to: number; up: boolean }[], from: number, to: number) {
  let up = 0;
  let down = 0;
  for (const s of spans) {
    const len = Math.max(0, Math.min(s.to, to) - Math.max(s.from, from));
    if (s.up) up += len;
    else down += len;
  }
  return { up, down, percent: up + down > 0 ? (up / (up + down)) * 100 : null };
}

for (const kind of kinds) {
  describe(`uptime (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ kind, settings: { health_check_interval: 1, alert_evaluation_interval: 1 } });
    });
    after(() => h.destroy());
    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      h.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

    test('windows over a known history: time-weighted, from the roll-ups, equal to the checks integrated', async () => {
      const created = await api('POST', '/api/v1/servers', {
        name: 'History',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        enabled: false,
        slo: { target: 99, window: '7d' },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.deepEqual(created.json().slo, { target: 99, window: '7d' });
      // An hour boundary as "now", so every window starts on a minute, hour or day edge.
      const now = Math.floor(Date.now() / HOUR) * HOUR;
      const start = now - 40 * DAY;
      const outages = [
        [now - 35 * DAY, now - 35 * DAY + 6 * HOUR],
        [now - 26 * HOUR, now - 25 * HOUR],
        [now - 2 * HOUR, now - 90 * MIN],
      ] as const;
      const spans = await writeHistory(h, 'history', start, now, (t) =>
        outages.some(([a, b]) => t >= a && t < b),
      );
      const u = await h.monitor.uptime.forServer('history', ['1h', '24h', '7d', '30d', '90d'], now);
      for (const w of u.windows) {
        const ms = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY }[w.window] ?? 0;
        const e = expected(spans, now - ms, now);
        assert.equal(w.upSeconds, Math.round(e.up / 1000), `${w.window} up`);
        assert.equal(w.downSeconds, Math.round(e.down / 1000), `${w.window} down`);
        assert.ok(e.percent !== null && w.uptimePercent !== null);
        assert.ok(
          Math.abs(w.uptimePercent - e.percent) < 1e-3,
          `${w.window}: ${w.uptimePercent} vs ${e.percent}`,
        );
      }
      const byWindow = Object.fromEntries(u.windows.map((w) => [w.window, w]));
      assert.equal(byWindow['1h']?.uptimePercent, 100);
      // 30 minutes down in the last day (the check at the outage's end is the first up again).
      assert.equal(byWindow['24h']?.downSeconds, 30 * 60);
      assert.equal(byWindow['7d']?.downSeconds, 90 * 60);
      assert.equal(byWindow['90d']?.downSeconds, (6 * 60 + 90) * 60);
      // The SLO: 99 % over 7 days allows 100.8 minutes down; 90 were spent.
      assert.ok(u.slo);
      const allowed = 0.01 * ((byWindow['7d']?.upSeconds ?? 0) + (byWindow['7d']?.downSeconds ?? 0));
      assert.ok(Math.abs((u.slo.errorBudgetRemainingSeconds ?? 0) - (allowed - 90 * 60)) <= 1);
      assert.ok(Math.abs((u.slo.errorBudgetRemainingPercent ?? 0) - (1 - 5400 / allowed) * 100) < 0.01);
      assert.equal(u.slo.burnRate, 0, 'no downtime in the last hour');

      // The route: the same figures, bounded windows, and CSV.
      const res = await api('GET', '/api/v1/servers/history/uptime?windows=24h,90d');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual(
        body.windows.map((w: { window: string }) => w.window),
        ['24h', '90d'],
      );
      assert.equal(body.windows[0].request_success_percent, null, 'no traffic, no second SLI');
      const tooLong = await api('GET', '/api/v1/servers/history/uptime?windows=401d');
      assert.equal(tooLong.statusCode, 400);
      assert.equal(tooLong.json().error.details.fields[0].field, 'query.windows');
      const bad = await api('GET', '/api/v1/servers/history/uptime?windows=24x');
      assert.equal(bad.statusCode, 400);
      assert.equal((await api('GET', '/api/v1/servers/nope/uptime')).statusCode, 404);

      // Daily bars: 90 days, the outage day 35 days ago below 100 %.
      const bars = (await h.monitor.uptime.daily(['history'], 90, now)).get('history') ?? [];
      assert.equal(bars.length, 90);
      assert.equal(bars[0]?.uptimePercent, null, 'no check 89 days ago');
      const outageDay = Math.floor((now - 35 * DAY) / DAY) * DAY;
      const day = bars.find((b) => b.day === outageDay);
      assert.ok(day?.uptimePercent !== null && day !== undefined && day.uptimePercent < 100);
    });

    test('a real server that goes down and comes back: its uptime, list figures and heartbeat strip', async () => {
      const everything = await startEverythingHttp();
      try {
        const created = await api('POST', '/api/v1/servers', {
          name: 'Flappy',
          transport: 'streamable-http',
          url: everything.url,
          health_check_interval: 1,
          health_check_retries: 1,
        });
        assert.equal(created.statusCode, 201, created.body);
        await waitFor(
          'up',
          async () => (await api('GET', '/api/v1/servers/flappy')).json().status === 'healthy',
        );
        await waitFor('some up time counted', async () => {
          const w = (await api('GET', '/api/v1/servers/flappy/uptime?windows=1h')).json().windows[0];
          return w.up_seconds >= 2;
        });
        await everything.stop();
        await waitFor(
          'offline',
          async () => (await api('GET', '/api/v1/servers/flappy')).json().status === 'offline',
        );
        await waitFor('down time counted', async () => {
          const w = (await api('GET', '/api/v1/servers/flappy/uptime?windows=1h')).json().windows[0];
          return w.down_seconds >= 2;
        });
        const back = await startEverythingHttp(everything.port);
        try {
          await waitFor(
            'healthy again',
            async () => (await api('GET', '/api/v1/servers/flappy')).json().status === 'healthy',
          );
          await h.monitor.checker.checkNow('flappy');
          await waitFor('the uptime rows written', async () => {
            const w = (await api('GET', '/api/v1/servers/flappy/uptime?windows=1h')).json().windows[0];
            return w.up_seconds > 0 && w.down_seconds > 0 && w.checks - w.failed_checks > 2;
          });
          const w = (await api('GET', '/api/v1/servers/flappy/uptime?windows=1h')).json().windows[0];
          assert.ok(w.uptime_percent > 0 && w.uptime_percent < 100, `partly up: ${w.uptime_percent}`);
          assert.ok(w.failed_checks >= 1 && w.checks > w.failed_checks);
          // The fleet answer: uptime per window and the latest checks, newest first, both outcomes in the strip.
          const fleet = await api('GET', '/api/v1/uptime?windows=24h&heartbeats=50');
          assert.equal(fleet.statusCode, 200, fleet.body);
          const mine = fleet.json().servers.find((s: { server_id: string }) => s.server_id === 'flappy');
          assert.ok(mine.heartbeats.length >= 3 && mine.heartbeats.length <= 50);
          assert.ok(mine.heartbeats.some((b: { ok: boolean }) => !b.ok) && mine.heartbeats[0].ok);
          const times = mine.heartbeats.map((b: { at: string }) => Date.parse(b.at));
          assert.deepEqual(
            times,
            [...times].sort((a, b) => b - a),
          );
          const list = (await api('GET', '/api/v1/servers')).json().servers;
          const listed = list.find((s: { id: string }) => s.id === 'flappy');
          assert.ok(typeof listed.uptime['24h'] === 'number' && listed.uptime['24h'] < 100);
          assert.ok('30d' in listed.uptime);
        } finally {
          await back.stop();
          await api('DELETE', '/api/v1/servers/flappy');
        }
      } finally {
        await everything.stop();
      }
    });

    test('an SLO burn-rate rule fires through a real webhook when a server with an SLO goes down', async () => {
      const got: { state: string; server: string; value: number }[] = [];
      const receiver: Server = createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          const b = JSON.parse(raw) as { state: string; server: { id: string }; value: number };
          got.push({ state: b.state, server: b.server.id, value: b.value });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const addr = receiver.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      try {
        const channel = await api('POST', '/api/v1/alerts/channels', {
          name: 'burn hook',
          kind: 'webhook',
          config: { url: `http://127.0.0.1:${port}/hook` },
        });
        assert.equal(channel.statusCode, 201, channel.body);
        const rule = await api('POST', '/api/v1/alerts/rules', {
          name: 'Error budget burning fast',
          metric: 'slo_burn_rate',
          condition: 'gt',
          threshold: 14.4,
          evaluation_period: 0,
          // One notification per transition, at once (grouping waits 30 s by default).
          group_wait: 0,
          servers: ['burning'],
          channels: [channel.json().id],
        });
        assert.equal(rule.statusCode, 201, rule.body);
        // Nothing listens on port 9: every check fails, so the budget burns at 1000×.
        const created = await api('POST', '/api/v1/servers', {
          name: 'Burning',
          transport: 'streamable-http',
          url: 'http://127.0.0.1:9/mcp',
          health_check_interval: 1,
          slo: { target: 99.9, window: '30d' },
        });
        assert.equal(created.statusCode, 201, created.body);
        await waitFor('the webhook told', () =>
          got.find((g) => g.server === 'burning' && g.state === 'firing'),
        );
        const firing = got.find((g) => g.server === 'burning');
        assert.ok(firing && Math.abs(firing.value - 1000) < 1, `burn rate ${firing?.value}`);
        const u = (await api('GET', '/api/v1/servers/burning/uptime?windows=1h')).json();
        assert.equal(u.slo.target, 99.9);
        assert.ok(u.slo.error_budget_remaining_percent < 0, 'an always-down server has overspent');
        assert.ok(Math.abs(u.slo.burn_rate - 1000) < 1);
        // A server without an SLO has no burn rate: the rule never fires for it.
        assert.equal((await api('GET', '/api/v1/servers/history/uptime?windows=1h')).json().slo.window, '7d');
      } finally {
        await api('DELETE', '/api/v1/servers/burning');
        await new Promise<void>((r) => receiver.close(() => r()));
      }
    });
  });
}
