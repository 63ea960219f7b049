/**
 * Issue 18 point 6: a server that recovered shows Healthy again within one check interval of
 * clean traffic, instead of staying Critical while the 5-minute error-rate window still holds
 * the outage. A server that keeps failing stays Critical.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statusErrorRate } from '../src/checker/next-state.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { startModernServer, type SdkServerHandle } from './fixtures/sdk-servers/modern-http-server.js';

test('the status error rate: the 5-minute one, unless the last interval was clean', () => {
  const t = { responseTimeMs: null, errorRatePercent: 40 };
  assert.equal(statusErrorRate({ ...t, recentRequests: 10, recentFailures: 0 }), 0);
  assert.equal(statusErrorRate({ ...t, recentRequests: 10, recentFailures: 1 }), 40);
  assert.equal(
    statusErrorRate({ ...t, recentRequests: 0, recentFailures: 0 }),
    40,
    'no traffic lately: no news',
  );
  assert.equal(statusErrorRate(undefined), null);
});

for (const kind of await storeKinds()) {
  describe(`status recovery (${kind})`, () => {
    let h: Harness;
    let upstream: SdkServerHandle;
    before(async () => {
      h = await startHarness({ kind });
      upstream = await startModernServer();
      const made = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: { name: 'flaky', transport: 'streamable-http', url: upstream.url, health_check_interval: 2 },
      });
      assert.equal(made.statusCode, 201, made.body);
      await waitFor('healthy', () => h.monitor.registry.get('flaky').state.status === 'healthy');
    });
    after(async () => {
      await h.destroy();
      await upstream.close();
    });

    const report = async (outcome: 'ok' | 'error', n: number) => {
      const events = Array.from({ length: n }, () => ({
        server: 'flaky',
        method: 'tools/call',
        endpoint: 'tools/call:work',
        started_at: Date.now(),
        latency_ms: 5,
        outcome,
      }));
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/ingest/events', payload: { events } });
      assert.equal(res.statusCode, 202, res.body);
    };

    test('an outage of errors makes it Critical; clean traffic brings it back within an interval or two', async () => {
      await report('error', 20);
      await report('ok', 5);
      const critical = await waitFor('critical from the error rate', () => {
        const s = h.monitor.registry.get('flaky').state;
        return s.status === 'critical' ? s : undefined;
      });
      assert.match(String(critical.statusReason), /error rate/);
      // While the errors go on, it stays Critical.
      for (let i = 0; i < 3; i++) {
        await report('error', 5);
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.equal(h.monitor.registry.get('flaky').state.status, 'critical');
      // The outage is over: clean traffic only. Within two intervals (4 s) of it, Healthy again,
      // although the 5-minute window still holds 35 errors of 80 requests.
      const cleanFrom = Date.now();
      const timer = setInterval(() => void report('ok', 3), 300);
      try {
        await waitFor(
          'healthy again',
          () => h.monitor.registry.get('flaky').state.status === 'healthy',
          8000,
        );
      } finally {
        clearInterval(timer);
      }
      assert.ok(Date.now() - cleanFrom < 8000);
      assert.ok(
        (h.monitor.aggregator.live('flaky').last5m.errorRatePercent ?? 0) > 5,
        'the outage is still in the 5-minute figures',
      );
    });
  });
}
