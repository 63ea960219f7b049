import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lognormal, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { startModernServer, type SdkServerHandle } from './fixtures/sdk-servers/modern-http-server.js';
import { startHarness, type Harness } from './helpers/harness.js';

const exactQuantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;

describe('query API over reported traffic', () => {
  let h: Harness;
  let upstream: SdkServerHandle;
  const latencies: number[] = [];
  const now = Date.now();
  before(async () => {
    upstream = await startModernServer();
    h = await startHarness({});
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      payload: { name: 'busy', transport: 'streamable-http', url: upstream.url, health_check_interval: 3600 },
    });
    assert.equal(res.statusCode, 201);
    const random = seededRandom(42);
    const events = Array.from({ length: 1000 }, (_, i) => {
      const latency = lognormal(random, 40, 0.8);
      latencies.push(latency);
      const outcome = i % 50 === 0 ? 'error' : i % 40 === 0 ? 'tool_error' : 'ok';
      return {
        server: 'busy',
        method: 'tools/call',
        endpoint: i % 4 === 0 ? 'tools/call:add' : 'tools/call:echo',
        started_at: now - 30_000 + i * 20,
        latency_ms: latency,
        outcome,
        ...(outcome === 'error' ? { error_code: -32602, error_message: 'bad params' } : {}),
        client_name: i % 2 ? 'cursor' : 'claude-desktop',
        protocol_version: '2026-07-28',
      };
    });
    const ingest = await h.app.inject({ method: 'POST', url: '/api/v1/ingest/events', payload: { events } });
    assert.equal(ingest.statusCode, 202, ingest.body);
    const flushed = await h.monitor.aggregator.flush();
    assert.equal(flushed.ok, true);
    latencies.sort((a, b) => a - b);
  });
  after(async () => {
    await h.destroy();
    await upstream.close();
  });

  const get = async (url: string) => {
    const res = await h.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() };
  };
  const range = `from=${now - 3600_000}&to=${now + 60_000}`;

  test('percentiles over the range match the exact values within 1%', async () => {
    for (const [metric, q] of [
      ['latency_p50', 0.5],
      ['latency_p95', 0.95],
      ['latency_p99', 0.99],
    ] as const) {
      const r = await get(`/api/v1/servers/busy/metrics?metric=${metric}&${range}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const exact = exactQuantile(latencies, q);
      assert.ok(
        Math.abs(r.body.aggregate - exact) / exact <= 0.01,
        `${metric}: ${r.body.aggregate} vs exact ${exact}`,
      );
      assert.ok(r.body.points.length <= 1000);
    }
    const rate = await get(`/api/v1/servers/busy/metrics?metric=error_rate&${range}`);
    assert.equal(rate.body.aggregate, 4); // 20 errors (every 50th) + 20 tool errors (every 40th, not 200th) in 1,000
  });

  test('the endpoint table and the overview', async () => {
    const r = await get(`/api/v1/servers/busy/endpoints?${range}`);
    assert.equal(r.status, 200);
    const echo = r.body.endpoints.find((e: { endpoint: string }) => e.endpoint === 'tools/call:echo');
    const add = r.body.endpoints.find((e: { endpoint: string }) => e.endpoint === 'tools/call:add');
    assert.equal(echo.requests, 750);
    assert.equal(add.requests, 250);
    const o = await get(`/api/v1/overview?${range}`);
    assert.equal(o.body.traffic.requests, 1000);
    assert.equal(o.body.servers, 1);
  });

  test('the grid takes its response time from traffic where there is some', async () => {
    const check = await h.app.inject({ method: 'POST', url: '/api/v1/servers/busy/check' });
    const server = check.json().server;
    assert.equal(server.response_time_source, 'traffic');
    const recent = latencies.length; // all events fall in the last 60 s
    assert.ok(recent > 0 && server.response_time_ms > 10, JSON.stringify(server));
  });

  test('bad queries get 400 naming the field', async () => {
    const bad = await get(`/api/v1/servers/busy/metrics?metric=latency_p42`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.fields[0].field, 'query.metric');
    const backwards = await get(`/api/v1/servers/busy/metrics?metric=rps&from=${now}&to=${now - 1000}`);
    assert.equal(backwards.body.error.details.fields[0].field, 'query.from');
    assert.equal((await get(`/api/v1/servers/nope/endpoints`)).status, 404);
  });
});
