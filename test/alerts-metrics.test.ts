import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { AlertEvaluator } from '../src/alerts/evaluator.js';
import { rulesRepo } from '../src/alerts/config-repo.js';
import { historyRepo, statesRepo } from '../src/alerts/history-repo.js';
import { ruleInputSchema, type AlertRule } from '../src/model/alert-rule.js';
import { Bus } from '../src/shared/bus.js';
import { Aggregator } from '../src/metrics/aggregate/aggregator.js';
import { GaugeSampler } from '../src/metrics/gauges/gauges.js';
import type { RequestEvent } from '../src/model/request-event.js';
import { initialState, type ServerRecord } from '../src/model/server.js';
import { openStore, type Store } from '../src/store/open-store.js';
import { SecretBox } from '../src/shared/secrets/secret-box.js';
import { startEverythingHttp } from './helpers/everything.js';
import { startHarness, waitFor } from './helpers/harness.js';
import { dropStoreTarget, newStoreTarget, storeKinds, type StoreTarget } from './helpers/stores.js';

const kinds = await storeKinds();
const silent = pino({ level: 'silent' });

function server(id: string, spec: ServerRecord['spec']): ServerRecord {
  return {
    id,
    name: id,
    spec,
    tags: [],
    overrides: {},
    source: 'api',
    enabled: true,
    disabledUntil: null,
    disabledReason: null,
    state: { ...initialState(), status: 'healthy', statusReason: null },
    createdAt: 0,
    updatedAt: 0,
  };
}

const http = (id: string) =>
  server(id, { transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp', headers: {} });

function event(serverId: string, latencyMs: number, startedAt: number): RequestEvent {
  return {
    serverId,
    endpoint: 'tools/call:echo',
    method: 'tools/call',
    startedAt,
    latencyMs,
    outcome: 'ok',
    errorCode: null,
    errorMessage: null,
    errorData: null,
    clientName: 'test',
    clientVersion: '1',
    protocolVersion: null,
    sessionId: null,
    requestId: null,
    bytesIn: 10,
    bytesOut: 10,
  };
}

const near = (actual: number | null | undefined, expected: number, relative: number, what: string) =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= expected * relative,
    `${what}: ${actual} is not within ${relative * 100} % of ${expected}`,
  );

for (const kind of kinds)
  describe(`rule metrics from the store (${kind})`, () => {
    let target: StoreTarget;
    let store: Store;
    before(async () => {
      target = newStoreTarget(kind);
      store = await openStore(target);
    });
    after(async () => {
      await store.close();
      await dropStoreTarget(target);
    });

    const rule = (body: Record<string, unknown>): Promise<AlertRule> =>
      rulesRepo.insert(store.db, ruleInputSchema.parse({ name: JSON.stringify(body), ...body }), Date.now());

    const evaluator = (servers: ServerRecord[]) =>
      new AlertEvaluator({
        db: store.db,
        secrets: SecretBox.ephemeral(),
        bus: new Bus(),
        log: silent,
        servers: () => servers,
        live: () => ({
          last60s: { requests: 0, rps: 0, avgLatencyMs: null, errorRatePercent: null },
          last5m: { requests: 0, rps: 0, avgLatencyMs: null, errorRatePercent: null },
        }),
        activeConnections: () => 0,
        baseUrl: 'http://localhost',
        intervalMs: 3_600_000,
      });

    const stateOf = async (ruleId: number, serverId: string) =>
      (await statesRepo.list(store.db)).find((s) => s.ruleId === ruleId && s.serverId === serverId)?.state;

    test('p95 and p99 merge the sketches of the evaluation window, written by the aggregator', async () => {
      const aggregator = new Aggregator({ store, intervalS: 3600, log: silent });
      const now = Date.now();
      // 10, 20, … 1000 ms over the last two minutes, in several flushes (several rows per minute).
      for (let i = 1; i <= 100; i++) {
        aggregator.record(event('lat', i * 10, now - 90_000 + i * 800));
        if (i % 25 === 0) assert.equal((await aggregator.flush()).ok, true);
      }
      // Outside the 5-minute window: must not count.
      aggregator.record(event('lat', 60_000, now - 20 * 60_000));
      assert.equal((await aggregator.flush()).ok, true);
      const p95 = await rule({
        metric: 'response_time_p95',
        condition: 'gt',
        threshold: 900,
        evaluation_period: 300,
      });
      const p99 = await rule({ metric: 'response_time_p99', condition: 'gt', threshold: 1500 });
      const ev = evaluator([http('lat'), http('quiet')]);
      await ev.start();
      await ev.evaluateNow();
      const pending = await stateOf(p95.id, 'lat');
      assert.equal(pending?.state, 'pending', 'p95 ≈ 950 ms > 900: Pending for the 5-minute period');
      near(pending?.value, 950, 0.02, 'p95');
      const calm = await stateOf(p99.id, 'lat');
      assert.equal(
        calm,
        undefined,
        'p99 ≈ 990 ms is under 1500 and the 20-minute-old outlier is outside the window',
      );
      assert.equal(await stateOf(p95.id, 'quiet'), undefined, 'no traffic is no data');
      await rulesRepo.update(store.db, { ...p99, threshold: 980, updated_at: Date.now() });
      await ev.evaluateNow();
      const firing = await stateOf(p99.id, 'lat');
      assert.equal(firing?.state, 'firing');
      near(firing?.value, 990, 0.02, 'p99');
      const history = await historyRepo.list(store.db, { rule: p99.id, limit: 5 });
      assert.equal(history.length, 1);
      near(history[0]?.value, 990, 0.02, 'history value');
      await ev.stop();
      await aggregator.stop();
      await rulesRepo.delete(store.db, p95.id);
      await rulesRepo.delete(store.db, p99.id);
    });

    test('cpu and memory take the latest gauge sample (this process, through the gauge sampler)', async () => {
      const self = server('self', { transport: 'stdio', command: process.execPath, args: [], env: {} });
      const gauges = new GaugeSampler({
        store,
        servers: () => [self],
        pidOf: () => process.pid,
        activeConnections: () => 0,
        intervalMs: 3_600_000,
        log: silent,
      });
      const now = Date.now();
      await gauges.sample(now - 2000);
      // Some CPU work between the two samples.
      let x = 0;
      for (let i = 0; i < 5e6; i++) x += Math.sqrt(i);
      assert.ok(x > 0);
      assert.ok((await gauges.sample(now - 1000)) >= 3, 'active connections, memory and cpu sampled');
      const memory = await rule({ metric: 'memory', condition: 'gt', threshold: 1_000_000 });
      const memoryHigh = await rule({ metric: 'memory', condition: 'gt', threshold: 1e15 });
      const cpu = await rule({ metric: 'cpu', condition: 'gte', threshold: 0 });
      const ev = evaluator([self, http('no-gauges')]);
      await ev.start();
      await ev.evaluateNow();
      const m = await stateOf(memory.id, 'self');
      assert.equal(m?.state, 'firing');
      assert.ok((m?.value ?? 0) > 1_000_000, `rss ${m?.value}`);
      assert.equal(await stateOf(memoryHigh.id, 'self'), undefined);
      const c = await stateOf(cpu.id, 'self');
      assert.equal(c?.state, 'firing');
      assert.ok((c?.value ?? -1) >= 0);
      assert.equal(await stateOf(memory.id, 'no-gauges'), undefined, 'no samples is no data');
      await ev.stop();
      for (const r of [memory, memoryHigh, cpu]) await rulesRepo.delete(store.db, r.id);
    });
  });

test('through the monitor: active connections and p95 of real gateway traffic fire their rules', async () => {
  const upstream = await startEverythingHttp();
  const h = await startHarness({ listen: true, settings: { alert_evaluation_interval: 1 } });
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    h.app.inject({ method, url, ...(payload ? { payload } : {}) });
  try {
    assert.equal(
      (
        await api('POST', '/api/v1/servers', {
          name: 'everything',
          transport: 'streamable-http',
          url: upstream.url,
          health_check_interval: 3600,
        })
      ).statusCode,
      201,
    );
    const conns = await api('POST', '/api/v1/alerts/rules', {
      name: 'Connections',
      metric: 'active_connections',
      condition: 'gte',
      threshold: 1,
      servers: ['everything'],
    });
    const p95 = await api('POST', '/api/v1/alerts/rules', {
      name: 'Latency p95',
      metric: 'response_time_p95',
      condition: 'gt',
      threshold: 0,
      servers: ['everything'],
    });
    assert.equal(p95.statusCode, 201, p95.body);
    const client = new Client(
      { name: 'alerts-test', version: '1' },
      { versionNegotiation: { mode: 'auto' } },
    );
    const transport = new StreamableHTTPClientTransport(new URL(`${h.url}/mcp/everything`));
    await client.connect(transport);
    for (let i = 0; i < 5; i++) await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
    assert.equal((await h.monitor.aggregator.flush()).ok, true);
    const firing = async () =>
      ((await api('GET', '/api/v1/alerts/active')).json().alerts as { rule_id: number }[]).map(
        (a) => a.rule_id,
      );
    await waitFor('both rules firing', async () => {
      const ids = await firing();
      return ids.includes(conns.json().id as number) && ids.includes(p95.json().id as number);
    });
    await transport.terminateSession(); // DELETE: the gateway ends the session at once
    await client.close();
    await waitFor('connections resolved', async () => !(await firing()).includes(conns.json().id as number));
  } finally {
    await h.destroy();
    await upstream.stop();
  }
});
