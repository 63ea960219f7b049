// Alert evaluation at scale (issue 5): RULES rules × SERVERS servers, every rule over every
// server, against a SQLite store holding real roll-ups (written by the aggregator) and gauge
// samples. Times steady ticks (CPU of this process alongside), a tick where 1 % of the instances
// go Pending, and the time from a condition becoming true (period 0) to a loopback webhook
// receiving the notification, with the evaluator on its own timer.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { AlertEvaluator } from '../src/alerts/evaluator.js';
import { channelsRepo, rulesRepo } from '../src/alerts/config-repo.js';
import { SecretBox } from '../src/shared/secrets/secret-box.js';
import { ALERT_METRICS, ruleInputSchema, type AlertMetric } from '../src/model/alert-rule.js';
import { Bus } from '../src/shared/bus.js';
import { Aggregator, type LiveStats } from '../src/metrics/aggregate/aggregator.js';
import { lognormal, requestEvent, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { initialState, type ServerRecord } from '../src/model/server.js';
import { openStore } from '../src/store/open-store.js';

export interface AlertEvalResult {
  rules: number;
  servers: number;
  instances: number;
  ticks: number;
  tickP50Ms: number;
  tickMaxMs: number;
  /** CPU of the process during the steady ticks, cores. */
  cpuCores: number;
  /** A tick where 1 % of the instances leave Normal (states written). */
  busyTickMs: number;
  busyInstances: number;
  /** Condition true → webhook received, with the evaluator on its own timer. */
  webhookSamples: number;
  webhookP50Ms: number;
  webhookMaxMs: number;
  intervalMs: number;
  heapUsedMb: number;
}

const percentile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const round = (x: number, digits = 0) => Number(x.toFixed(digits));

function record(id: string, i: number): ServerRecord {
  return {
    id,
    name: id,
    spec: { transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp', headers: {} },
    tags: i % 10 === 0 ? ['prod'] : [],
    overrides: {},
    source: 'api',
    enabled: true,
    disabledUntil: null,
    disabledReason: null,
    state: { ...initialState(), status: 'healthy', statusReason: null, responseTimeMs: 40 },
    createdAt: 0,
    updatedAt: 0,
  };
}

/** Thresholds no server reaches in the steady state. */
const QUIET: Record<AlertMetric, number> = {
  response_time_avg: 5_000,
  response_time_p95: 5_000,
  response_time_p99: 10_000,
  error_rate: 50,
  rps: 1e6,
  active_connections: 1e6,
  cpu: 1e4,
  memory: 1e15,
  status_offline: 2,
  anomaly_score: 1e6,
  peer_unreachable: 2,
  slo_burn_rate: 1e6,
};

export async function alertEval(opts: { rules: number; servers: number; ticks: number; intervalMs: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-bench-alerts-'));
  const store = await openStore({ dataDir: dir });
  const log = pino({ level: 'silent' });
  const random = seededRandom(5);
  const servers = Array.from({ length: opts.servers }, (_, i) => record(`server-${i}`, i));
  const now = Date.now();

  // Traffic of the last 5 minutes through the aggregator (roll-ups with sketches), and gauges.
  const aggregator = new Aggregator({ store, intervalS: 3600, log, maxBuckets: 100_000 });
  for (const s of servers)
    for (let k = 0; k < 50; k++)
      aggregator.record(
        requestEvent({
          serverId: s.id,
          startedAt: now - 290_000 + k * 5_000,
          latencyMs: lognormal(random, 40, 0.6),
        }),
      );
  await aggregator.flush();
  const gaugeRows = servers.flatMap((s) =>
    [0, 1, 2].flatMap((k) => [
      {
        server_id: s.id,
        metric_name: 'cpu',
        metric_value: 5 + random() * 20,
        tags: null,
        timestamp: now - k * 10_000,
      },
      { server_id: s.id, metric_name: 'memory', metric_value: 5e7, tags: null, timestamp: now - k * 10_000 },
    ]),
  );
  for (let i = 0; i < gaugeRows.length; i += 500)
    await store.db
      .insertInto('server_metrics')
      .values(gaugeRows.slice(i, i + 500))
      .execute();

  // The receiver and its channel.
  const received: number[] = [];
  const hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as AddressInfo).port; // safe because listen() on TCP resolved
  const secrets = SecretBox.ephemeral();
  const channel = await channelsRepo.insert(
    store.db,
    secrets,
    {
      name: 'bench',
      kind: 'webhook',
      config: { url: `http://127.0.0.1:${port}/`, retries: 0 },
      enabled: true,
    },
    now,
  );

  // RULES rules over every server, every metric in turn; periods 0, 60 and 300 s.
  await rulesRepo.seedDefaults(store.db, now); // 2 default rules count among them
  for (let i = 2; i < opts.rules - 1; i++) {
    const metric = ALERT_METRICS[i % ALERT_METRICS.length] ?? 'rps';
    await rulesRepo.insert(
      store.db,
      ruleInputSchema.parse({
        name: `rule ${i}`,
        metric,
        ...(metric === 'anomaly_score' ? { series: 'requests' } : {}),
        condition: 'gt',
        threshold: QUIET[metric],
        evaluation_period: [0, 60, 300][i % 3],
      }),
      now,
    );
  }
  // The rule the webhook timing uses: error rate > 10 %, period 0, on every server.
  await rulesRepo.insert(
    store.db,
    ruleInputSchema.parse({
      name: 'hot',
      metric: 'error_rate',
      condition: 'gt',
      threshold: 10,
      channels: [channel.id],
    }),
    now,
  );
  const hot = new Set<string>();
  const hotStats: LiveStats = {
    last60s: { requests: 100, rps: 2, avgLatencyMs: 40, errorRatePercent: 60 },
    last5m: { requests: 100, rps: 2, avgLatencyMs: 40, errorRatePercent: 60 },
  };
  const evaluator = new AlertEvaluator({
    db: store.db,
    secrets,
    bus: new Bus(),
    log,
    servers: () => servers,
    live: (id) => (hot.has(id) ? hotStats : aggregator.live(id)),
    activeConnections: () => 0,
    baseUrl: 'http://localhost',
    intervalMs: 3_600_000,
  });
  await evaluator.start();
  await evaluator.evaluateNow(); // warm-up

  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let t = 0; t < opts.ticks; t++) {
    const t0 = performance.now();
    await evaluator.evaluateNow();
    times.push(performance.now() - t0);
  }
  const wall = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;

  // 1 % of the instances leave Normal at once: memory above a threshold every server passes, period 300 s.
  const busyRules = Math.max(1, Math.round(opts.rules / 100));
  const added = [];
  for (let i = 0; i < busyRules; i++)
    added.push(
      await rulesRepo.insert(
        store.db,
        ruleInputSchema.parse({
          name: `busy ${i}`,
          metric: 'memory',
          condition: 'gt',
          threshold: 1,
          evaluation_period: 300,
        }),
        Date.now(),
      ),
    );
  const b0 = performance.now();
  await evaluator.evaluateNow();
  const busyTickMs = performance.now() - b0;
  for (const r of added) await rulesRepo.delete(store.db, r.id);
  await evaluator.evaluateNow();
  await evaluator.stop();

  // Condition true → webhook: the evaluator on its own timer, as in `serve`.
  const timed = new AlertEvaluator({
    db: store.db,
    secrets,
    bus: new Bus(),
    log,
    servers: () => servers,
    live: (id) => (hot.has(id) ? hotStats : aggregator.live(id)),
    activeConnections: () => 0,
    baseUrl: 'http://localhost',
    intervalMs: opts.intervalMs,
  });
  await timed.start();
  const latencies: number[] = [];
  for (let k = 0; k < 5; k++) {
    const before = received.length;
    // Start at a random point of the tick cycle.
    await new Promise((r) => setTimeout(r, random() * opts.intervalMs));
    const t0 = performance.now();
    hot.add(`server-${k * 7}`);
    while (received.length === before) await new Promise((r) => setTimeout(r, 5));
    latencies.push((received[before] ?? t0) - t0);
  }
  await timed.stop();
  await aggregator.stop();
  await store.close();
  await new Promise<void>((r) => hook.close(() => r()));
  rmSync(dir, { recursive: true, force: true });

  return {
    rules: opts.rules,
    servers: opts.servers,
    instances: opts.rules * opts.servers,
    ticks: opts.ticks,
    tickP50Ms: round(percentile(times, 0.5)),
    tickMaxMs: round(Math.max(...times)),
    cpuCores: round((cpu.user + cpu.system) / 1000 / wall, 2),
    busyTickMs: round(busyTickMs),
    busyInstances: busyRules * opts.servers,
    webhookSamples: latencies.length,
    webhookP50Ms: round(percentile(latencies, 0.5)),
    webhookMaxMs: round(Math.max(...latencies)),
    intervalMs: opts.intervalMs,
    heapUsedMb: round(heapUsedMb),
  } satisfies AlertEvalResult;
}

/**
 * `BENCH_ONLY=alerts`: the rows docs/BENCHMARKS.md keeps. BENCH_ALERT_RULES (500),
 * BENCH_ALERT_SERVERS (1,000) and BENCH_ALERT_INTERVAL (the tick, 1 s) scale it.
 */
export async function alertEvalRows(day: string, machine: string): Promise<string[]> {
  const rules = Number(process.env.BENCH_ALERT_RULES ?? 500);
  const servers = Number(process.env.BENCH_ALERT_SERVERS ?? 1000);
  const interval = Number(process.env.BENCH_ALERT_INTERVAL ?? 1);
  process.stderr.write(`alert evaluation: ${rules} rules × ${servers} servers, SQLite…\n`);
  const r = await alertEval({ rules, servers, ticks: 10, intervalMs: interval * 1000 });
  return [
    `## Alert evaluation — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=alerts BENCH_ALERT_RULES=${rules} BENCH_ALERT_SERVERS=${servers} BENCH_ALERT_INTERVAL=${interval} npm run bench\``,
    '',
    `| rules × servers | tick p50 | tick max | CPU in ticks | tick with 1 % leaving Normal | condition true → webhook p50 / max (tick every ${interval} s) | heap used |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.rules} × ${r.servers} = ${r.instances} | **${r.tickP50Ms} ms** (goal < 1,000) | ${r.tickMaxMs} ms | ${r.cpuCores} cores | ${r.busyTickMs} ms (${r.busyInstances} states written) | **${r.webhookP50Ms} / ${r.webhookMaxMs} ms** (goal ≤ 2,000; ${r.webhookSamples} samples) | ${r.heapUsedMb} MB |`,
  ];
}
