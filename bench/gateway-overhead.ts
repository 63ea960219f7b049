// `tools/call echo` to the real server-everything (its own process, Streamable HTTP), direct
// and through the gateway of a full monitor (startMonitor + buildApi, in this process — the
// sequential client shares this process with the monitor; the concurrent clients run in a
// child process of their own, so that they do not compete with the monitor's event loop).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { buildApi } from '../src/api/app.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';
import { startEverythingHttp } from '../test/helpers/everything.js';

export interface GatewayOverheadOptions {
  /** Sequential calls measured by one client (default 2,000), after `warmup` (default 200). */
  sequential?: number;
  warmup?: number;
  /** Concurrent clients, each its own session (default 32). */
  clients?: number;
  /** Calls spread over the concurrent clients (default 10,000). */
  concurrentCalls?: number;
}

export interface PathResult {
  p50Ms: number;
  p99Ms: number;
  callsPerSecond: number;
}

export interface GatewayOverheadResult {
  sequential: number;
  warmup: number;
  clients: number;
  concurrentCalls: number;
  direct: PathResult;
  gateway: PathResult;
  addedP50Ms: number;
  addedP99Ms: number;
  throughputRatio: number;
  /** CPU of this process (the monitor) during the concurrent runs, cores. */
  directRunCpuCores: number;
  gatewayRunCpuCores: number;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);

const round2 = (n: number): number => Math.round(n * 100) / 100;

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'bench-gateway', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const echo = async (client: Client): Promise<void> => {
  const r = await client.callTool({ name: 'echo', arguments: { message: 'x' } });
  if (r.isError === true) throw new Error(`echo failed: ${JSON.stringify(r.content)}`);
};

/** The concurrent run in a child process; the CPU this (the monitor's) process spent meanwhile. */
async function concurrentLoad(
  url: string,
  clients: number,
  calls: number,
): Promise<{ wallMs: number; parentCpuMs: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), 'load', url, String(clients), String(calls)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  let cpu0: NodeJS.CpuUsage | undefined;
  child.stdout.on('data', () => (cpu0 ??= process.cpuUsage()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const cpu = process.cpuUsage(cpu0);
  const m = /done (\d+(?:\.\d+)?)/.exec(out);
  if (code !== 0 || m === null) throw new Error(`load generator failed (exit ${code}): ${out}`);
  return { wallMs: Number(m[1]), parentCpuMs: (cpu.user + cpu.system) / 1000 };
}

async function measure(
  url: string,
  o: Required<GatewayOverheadOptions>,
): Promise<PathResult & { cpuCores: number }> {
  const one = await connect(url);
  for (let i = 0; i < o.warmup; i++) await echo(one);
  const lat: number[] = [];
  for (let i = 0; i < o.sequential; i++) {
    const t0 = performance.now();
    await echo(one);
    lat.push(performance.now() - t0);
  }
  await one.close();
  lat.sort((a, b) => a - b);

  const load = await concurrentLoad(url, o.clients, o.concurrentCalls);
  return {
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
    callsPerSecond: Math.round((o.concurrentCalls / load.wallMs) * 1000),
    cpuCores: round2(load.parentCpuMs / load.wallMs),
  };
}

export async function gatewayOverhead(options: GatewayOverheadOptions = {}): Promise<GatewayOverheadResult> {
  const o: Required<GatewayOverheadOptions> = {
    sequential: options.sequential ?? 2000,
    warmup: options.warmup ?? 200,
    clients: options.clients ?? 32,
    concurrentCalls: options.concurrentCalls ?? 10_000,
  };
  // One server-everything per path, so that neither inherits the other's sessions (it keeps
  // per-session timers) and both start from the same state.
  const upstream = await startEverythingHttp();
  const direct = await startEverythingHttp();
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-health-bench-gateway-'));
  const config = configSchema.parse({
    data_dir: dataDir,
    log_level: 'warn',
    port: 0,
    servers: [
      { name: 'everything', transport: 'streamable-http', url: upstream.url, health_check_interval: 3600 },
    ],
  });
  const log = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
  const monitor = await startMonitor({ config, log });
  const { app } = await buildApi(monitor);
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const d = await measure(direct.url, o);
    const g = await measure(`${base}/mcp/everything`, o);
    return {
      ...o,
      direct: { callsPerSecond: d.callsPerSecond, p50Ms: round2(d.p50Ms), p99Ms: round2(d.p99Ms) },
      gateway: { callsPerSecond: g.callsPerSecond, p50Ms: round2(g.p50Ms), p99Ms: round2(g.p99Ms) },
      addedP50Ms: round2(g.p50Ms - d.p50Ms),
      addedP99Ms: round2(g.p99Ms - d.p99Ms),
      throughputRatio: round2(g.callsPerSecond / d.callsPerSecond),
      directRunCpuCores: d.cpuCores,
      gatewayRunCpuCores: g.cpuCores,
    };
  } finally {
    await app.close();
    await monitor.stop();
    await upstream.stop();
    await direct.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Child mode: `tsx bench/gateway-overhead.ts load <url> <clients> <calls>`. Prints `start` as the
// timed run begins and `done <ms>` at its end.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'load') {
  const [url, clients, calls] = process.argv.slice(3);
  const all = await Promise.all(Array.from({ length: Number(clients) }, () => connect(url ?? '')));
  for (const c of all) for (let i = 0; i < 10; i++) await echo(c);
  process.stdout.write('start\n');
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    all.map(async (c) => {
      while (next < Number(calls)) {
        next++;
        await echo(c);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  await Promise.all(all.map((c) => c.close()));
  process.stdout.write(`done ${wallMs}\n`);
  process.exit(0);
}
