// Federation (issue 14): a hub polling BENCH_FED_PEERS (50) peers every BENCH_FED_INTERVAL (15) s,
// each answering a recorded summary (one real instance's, with its own instance id) from a child
// process, so that the hub's CPU is the hub's alone. Measured: the hub's CPU over
// BENCH_FED_SECONDS (60) s of polling, `GET /api/v1/federation` p50/p99 over 500 calls, then the
// peers stopped: how many poll intervals until every one shows unreachable.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../src/api/app.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';

export interface FederationBench {
  peers: number;
  intervalS: number;
  seconds: number;
  cpuPercent: number;
  viewP50Ms: number;
  viewP99Ms: number;
  unreachablePolls: number;
}

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};

/** Serves `/p<n>/api/v1/federation/summary` from a file of summaries; prints its port. */
const PEERS_SCRIPT = `
const { createServer } = require('node:http');
const summaries = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));
const srv = createServer((req, res) => {
  const m = /^\\/p(\\d+)\\/api\\/v1\\/federation\\/summary$/.exec(req.url || '');
  const body = m && summaries[Number(m[1])];
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
srv.listen(0, '127.0.0.1', () => process.stdout.write(String(srv.address().port) + '\\n'));
`;

async function monitorAt(dir: string, settings: Record<string, unknown>) {
  const config = configSchema.parse({ data_dir: dir, port: 0, log_level: 'warn', ...settings });
  const monitor = await startMonitor({ config, log: createLogger('warn') });
  const { app } = await buildApi(monitor);
  return { monitor, app };
}

export async function benchFederation(
  peers: number,
  intervalS: number,
  seconds: number,
): Promise<FederationBench> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-fed-bench-'));
  try {
    // One real instance's summary, with some traffic and errors, recorded once.
    const leaf = await monitorAt(join(dir, 'leaf'), { instance_name: 'leaf' });
    const added = await leaf.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      payload: {
        name: 'reported',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        health_check_interval: 3600,
      },
    });
    const now = Date.now();
    const events = Array.from({ length: 5000 }, (_, i) => ({
      server: added.json<{ id: string }>().id,
      method: i % 3 === 0 ? 'tools/call' : 'tools/list',
      started_at: now - 1000 - (i % 200) * 1000,
      latency_ms: 2 + ((i * 7919) % 900),
      outcome: i % 40 === 0 ? 'error' : 'ok',
      ...(i % 40 === 0 ? { error_message: `failure ${i % 7}` } : {}),
    }));
    await leaf.app.inject({ method: 'POST', url: '/api/v1/ingest/events', payload: { events } });
    await leaf.monitor.aggregator.flush();
    const recorded = JSON.stringify(await leaf.monitor.federation.summary());
    await leaf.app.close();
    await leaf.monitor.stop();
    const leafId = (JSON.parse(recorded) as { instance: { id: string } }).instance.id;
    const summaries = Array.from({ length: peers }, (_, n) => recorded.replaceAll(leafId, `bench-peer-${n}`));
    writeFileSync(join(dir, 'summaries.json'), JSON.stringify(summaries));

    const child = spawn(process.execPath, ['-e', PEERS_SCRIPT, join(dir, 'summaries.json')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
    );

    const hub = await monitorAt(join(dir, 'hub'), {
      instance_name: 'hub',
      federation_poll_interval: intervalS,
    });
    for (let n = 0; n < peers; n++)
      await hub.monitor.federation.peers.create({
        name: `peer-${n}`,
        url: `http://127.0.0.1:${port}/p${n}`,
        token: '',
        enabled: true,
      });
    const view = async () =>
      (await hub.app.inject({ method: 'GET', url: '/api/v1/federation' })).json<{
        instances: { status: string }[];
        totals: { instances: number };
      }>();
    // Every peer answered once before measuring.
    for (let i = 0; i < 600 && (await view()).totals.instances < peers + 1; i++)
      await new Promise((r) => setTimeout(r, 100));

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;

    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const s = performance.now();
      await hub.app.inject({ method: 'GET', url: '/api/v1/federation' });
      times.push(performance.now() - s);
    }

    child.kill();
    const down = performance.now();
    for (;;) {
      const v = await view();
      if (v.instances.filter((i) => i.status === 'unreachable').length === peers) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const unreachablePolls = Math.ceil((performance.now() - down) / (intervalS * 1000));
    await hub.app.close();
    await hub.monitor.stop();
    return {
      peers,
      intervalS,
      seconds,
      cpuPercent,
      viewP50Ms: percentile(times, 0.5),
      viewP99Ms: percentile(times, 0.99),
      unreachablePolls,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
