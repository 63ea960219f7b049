/**
 * `BENCH_ONLY=hostile`: a monitor checking hostile servers (50 MB answers, as JSON and as one SSE
 * event; 10 MB serverInfo; 100,000 tools, on one page and on pages of 5,000) every
 * BENCH_HOSTILE_INTERVAL seconds (5) for BENCH_SECONDS (30), while an API client reads
 * `GET /api/v1/servers` back to back. Reports the monitor process's RSS, the API's latency and
 * the event loop's lag. The servers run in a process of their own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { buildApi } from '../src/api/app.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';

export interface HostileResult {
  servers: number;
  seconds: number;
  checks: number;
  rssMaxMb: number;
  apiRequests: number;
  apiP50Ms: number;
  apiP99Ms: number;
  apiMaxMs: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const round1 = (n: number): number => Math.round(n * 10) / 10;

async function startHostileFleet(): Promise<{ servers: [string, string][]; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'hostile-servers-process.ts')],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const servers: [string, string][] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^server (\S+) (\S+)$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) servers.push([m[1], m[2]]);
      if (line === 'ready') resolve();
    });
    child.once('exit', () => reject(new Error('the hostile servers exited')));
  });
  return { servers, stop: () => child.kill('SIGTERM') };
}

export async function hostileUpstream(intervalS: number, seconds: number): Promise<HostileResult> {
  const fleet = await startHostileFleet();
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-health-hostile-'));
  const config = configSchema.parse({
    data_dir: dataDir,
    health_check_interval: intervalS,
    health_check_timeout: 10,
    log_level: 'warn',
    port: 0,
    servers: fleet.servers.map(([name, url]) => ({ name, transport: 'streamable-http', url })),
  });
  const log = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
  const monitor = await startMonitor({ config, log });
  const { app } = await buildApi(monitor);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  let checks = 0;
  monitor.bus.on('server.checked', () => (checks += 1));

  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let rssMax = process.memoryUsage.rss();
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 100);
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    const res = await fetch(`${base}/api/v1/servers`);
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
  }
  clearInterval(sampler);
  lag.disable();

  await app.close();
  await monitor.stop();
  fleet.stop();
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    servers: fleet.servers.length,
    seconds,
    checks,
    rssMaxMb: Math.round(rssMax / 2 ** 20),
    apiRequests: latencies.length,
    apiP50Ms: round1(quantile(latencies, 0.5)),
    apiP99Ms: round1(quantile(latencies, 0.99)),
    apiMaxMs: round1(latencies.at(-1) ?? Number.NaN),
    lagP99Ms: round1(lag.percentile(99) / 1e6),
    lagMaxMs: round1(lag.max / 1e6),
  };
}
