import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { startLightResponder } from './light-responder.js';
import { startResponder } from './probe-scale.js';

export interface ClusterBenchResult {
  servers: number;
  intervalS: number;
  heartbeatS: number;
  measuredS: number;
  instances: { name: string; cpuCores: number; rssMaxMb: number; lagP99Ms: number; probes: number }[];
  /** From the kill -9 to the first check of each of the killed instance's servers by another, ms. */
  recheckP50Ms: number;
  recheckP99Ms: number;
  recheckMaxMs: number;
  killedServers: number;
  killedWasLeader: boolean;
  alertsExpected: number;
  alertsReceived: number;
  duplicates: number;
  missing: number;
}

interface Proc {
  name: string;
  child: ChildProcess;
  base: string;
  stats: { cpu_ms: number; rss: number; lags: number[] }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);

async function until(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (
      await Promise.resolve()
        .then(probe)
        .catch(() => false)
    )
      return;
    await sleep(500);
  }
  throw new Error(`cluster bench: timed out waiting for ${what}`);
}

/**
 * Three instances on one PostgreSQL schema probing `servers` light servers every `intervalS`,
 * plus `alerting` servers that go down (half before, half at the kill) with a webhook rule. After
 * the first round and one interval, measures each instance's CPU, RSS and schedule lag for
 * `measureS`; then kill -9 of the leader: the time until each of its servers is checked by
 * another instance, and whether every firing alert was notified exactly once (by key).
 */
export async function clusterBench(
  pgUrl: string,
  servers: number,
  intervalS: number,
  measureS: number,
  heartbeatS = 5,
  alerting = 20,
): Promise<ClusterBenchResult> {
  const schema = `bench_cluster_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const responder = await startResponder();
  const early = await startLightResponder(); // goes down before the kill
  const late = await startLightResponder(); // goes down at the kill
  const got: { key: string; kind: string }[] = [];
  const hook = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { notification: string };
      got.push({ key: String(req.headers['idempotency-key']), kind: body.notification });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`;
  const half = alerting / 2;
  const config = (name: string) => ({
    data_dir: mkdtempSync(join(tmpdir(), 'mcp-health-bench-cluster-')),
    database_url: pgUrl,
    instance_name: name,
    cluster_heartbeat_interval: heartbeatS,
    health_check_interval: intervalS,
    health_check_timeout: 10,
    health_check_retries: 2,
    alert_evaluation_interval: 5,
    log_level: 'warn',
    servers: [
      ...Array.from({ length: servers }, (_, i) => ({
        name: `s${i}`,
        transport: 'streamable-http',
        url: `http://127.0.0.1:${responder.port}/s/${i}/mcp`,
      })),
      ...Array.from({ length: alerting }, (_, i) => ({
        name: `alerting${i}`,
        transport: 'streamable-http',
        // A short interval, so that they go down within seconds.
        health_check_interval: 2,
        url: (i < half ? early : late).url(i),
      })),
    ],
  });
  const procs: Proc[] = [];
  const start = async (name: string): Promise<Proc> => {
    // A file: thousands of servers are too long for a command line.
    const file = join(mkdtempSync(join(tmpdir(), 'mcp-health-bench-config-')), 'config.json');
    writeFileSync(file, JSON.stringify(config(name)));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'cluster-instance.ts'), file, schema],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const p: Proc = { name, child, base: '', stats: [] };
    const lines = createInterface({ input: child.stdout });
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (l) => {
        if (l.startsWith('listening ')) {
          p.base = l.slice('listening '.length);
          resolve();
        } else if (l.startsWith('stats ')) p.stats.push(JSON.parse(l.slice(6)) as Proc['stats'][0]);
      });
      child.once('exit', () => reject(new Error(`${name} exited`)));
    });
    procs.push(p);
    return p;
  };
  const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> =>
    (await admin.query<T>(text.replaceAll('$schema', schema), values)).rows;
  try {
    await start('a'); // syncs the config's servers into the store first
    await Promise.all([start('b'), start('c')]);
    const a = procs[0];
    if (!a) throw new Error('cluster bench: no instance');
    const channel = (await (
      await fetch(`${a.base}/api/v1/alerts/channels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'hook', kind: 'webhook', config: { url: hookUrl, retries: 3 } }),
      })
    ).json()) as { id: number };
    await fetch(`${a.base}/api/v1/alerts/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'down',
        metric: 'status_offline',
        condition: 'eq',
        threshold: 1,
        channels: [channel.id],
      }),
    });
    const total = servers + alerting;
    await until(
      'every server leased and checked once',
      async () => {
        const [l] = await q<{ n: string }>('select count(*) as n from $schema.server_leases');
        const [c] = await q<{ n: string }>(
          'select count(distinct server_id) as n from $schema.server_health',
        );
        return Number(l?.n) === total && Number(c?.n) === total;
      },
      30 * 60_000,
    );
    await sleep(intervalS * 1000);
    // The first half of the alerting servers go down; their alerts fire before the kill.
    await early.close();
    await until('the first alerts', () => got.length >= half, 120_000);
    for (const p of procs) p.stats.length = 0;
    await sleep(measureS * 1000);
    const instances = procs.map((p) => {
      const s = p.stats;
      const first = s[0];
      const last = s.at(-1);
      const lags = s.flatMap((x) => x.lags).sort((x, y) => x - y);
      return {
        name: p.name,
        cpuCores:
          first && last
            ? Math.round(((last.cpu_ms - first.cpu_ms) / ((s.length - 1) * 1000)) * 100) / 100
            : NaN,
        rssMaxMb: Math.round(Math.max(...s.map((x) => x.rss)) / 2 ** 20),
        lagP99Ms: Math.round(quantile(lags, 0.99)),
        probes: lags.length,
      };
    });
    // kill -9 of the leader, as the second half goes down.
    const view = (await (await fetch(`${a.base}/api/v1/cluster`)).json()) as {
      instances: { id: string; name: string; leader: boolean; servers: string[] }[];
    };
    const victim = view.instances.find((i) => i.leader) ?? view.instances[0];
    const killed = procs.find((p) => p.name === victim?.name);
    if (!victim || !killed) throw new Error('cluster bench: no instance to kill');
    const [{ t: killedAt } = { t: '0' }] = await q<{ t: string }>(
      'select (extract(epoch from clock_timestamp()) * 1000)::bigint as t',
    );
    killed.child.kill('SIGKILL');
    await late.close();
    const theirs = victim.servers;
    await until(
      "the dead instance's servers checked by others",
      async () => {
        const [r] = await q<{ n: string }>(
          `select count(distinct server_id) as n from $schema.server_health
           where last_check > $1 and instance_id <> $2 and server_id = any($3)`,
          [Number(killedAt), victim.id, theirs],
        );
        return Number(r?.n) === theirs.length;
      },
      10 * 60_000,
    );
    const firsts = await q<{ t: string }>(
      `select min(last_check) as t from $schema.server_health
       where last_check > $1 and instance_id <> $2 and server_id = any($3) group by server_id`,
      [Number(killedAt), victim.id, theirs],
    );
    const delays = firsts.map((f) => Number(f.t) - Number(killedAt)).sort((x, y) => x - y);
    await until('every alert notified', () => new Set(got.map((g) => g.key)).size >= alerting, 180_000);
    await sleep(3 * heartbeatS * 1000 + 10_000);
    const keys = new Set(got.filter((g) => g.kind === 'firing').map((g) => g.key));
    const [h] = await q<{ n: string }>(
      `select count(*) as n from $schema.alert_history h join $schema.alert_rules r on r.id = h.rule_id where r.name = 'down'`,
    );
    return {
      servers,
      intervalS,
      heartbeatS,
      measuredS: measureS,
      instances,
      recheckP50Ms: Math.round(quantile(delays, 0.5)),
      recheckP99Ms: Math.round(quantile(delays, 0.99)),
      recheckMaxMs: Math.round(delays.at(-1) ?? NaN),
      killedServers: theirs.length,
      killedWasLeader: victim.leader,
      alertsExpected: Number(h?.n),
      alertsReceived: keys.size,
      duplicates: got.filter((g) => g.kind === 'firing').length - keys.size,
      missing: Math.max(0, alerting - keys.size),
    };
  } finally {
    for (const p of procs) p.child.kill('SIGKILL');
    responder.stop();
    await early.close().catch(() => undefined);
    await late.close().catch(() => undefined);
    hook.close();
    await admin.query(`drop schema ${schema} cascade`).catch(() => undefined);
    await admin.end();
  }
}
