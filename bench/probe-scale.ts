import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { applyHeapGrowth } from '../src/checker/heap-growth.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';

export interface ProbeScaleResult {
  servers: number;
  intervalS: number;
  measuredS: number;
  probesPerSecond: number;
  failedChecks: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  cpuCores: number;
  rssMaxMb: number;
  heapUsedMaxMb: number;
  /** From start until every server had its first check (sessions opened). */
  firstRoundS: number;
  setupS: number;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);

export async function startResponder(): Promise<{ port: number; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'responder-process.ts')],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = /^listening (\d+)/.exec(l);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error('responder exited')));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

/** N servers (one light responder answering many paths) checked every `intervalS`; measured after one warm-up interval. */
export async function probeScale(
  servers: number,
  intervalS: number,
  measureS: number,
): Promise<ProbeScaleResult> {
  // As `mcp-health serve` runs it (src/cli/main.ts).
  applyHeapGrowth();
  const responder = await startResponder();
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-health-bench-'));
  const config = configSchema.parse({
    data_dir: dataDir,
    health_check_interval: intervalS,
    health_check_timeout: 10,
    log_level: 'warn',
    servers: Array.from({ length: servers }, (_, i) => ({
      name: `s${i}`,
      transport: 'streamable-http',
      url: `http://127.0.0.1:${responder.port}/s/${i}/mcp`,
    })),
  });
  const log = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
  const setupStart = Date.now();
  const monitor = await startMonitor({ config, log });
  const setupS = (Date.now() - setupStart) / 1000;
  let checks = 0;
  let failed = 0;
  monitor.bus.on('server.checked', (_s, c) => {
    checks++;
    if (!c.ok) failed++;
  });
  // Warm-up: every session opened once (the first round), then one more interval to settle.
  const firstRoundStart = Date.now();
  while (monitor.registry.list().some((s) => s.state.lastCheck === null))
    await new Promise((r) => setTimeout(r, 200));
  const firstRoundS = (Date.now() - firstRoundStart) / 1000;
  await new Promise((r) => setTimeout(r, intervalS * 1000));
  monitor.checker.takeScheduleLags();
  checks = 0;
  failed = 0;
  let rssMax = 0;
  let heapUsedMax = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssMax = Math.max(rssMax, m.rss);
    heapUsedMax = Math.max(heapUsedMax, m.heapUsed);
  }, 500);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, measureS * 1000));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const lags = monitor.checker.takeScheduleLags().sort((a, b) => a - b);
  await monitor.stop();
  responder.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    servers,
    intervalS,
    measuredS: Math.round(wallMs / 1000),
    probesPerSecond: Math.round((checks / wallMs) * 1000),
    failedChecks: failed,
    lagP50Ms: Math.round(quantile(lags, 0.5)),
    lagP99Ms: Math.round(quantile(lags, 0.99)),
    lagMaxMs: Math.round(lags.at(-1) ?? NaN),
    cpuCores: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100) / 100,
    rssMaxMb: Math.round(rssMax / 1024 / 1024),
    heapUsedMaxMb: Math.round(heapUsedMax / 1024 / 1024),
    firstRoundS: Math.round(firstRoundS * 10) / 10,
    setupS: Math.round(setupS * 10) / 10,
  };
}
