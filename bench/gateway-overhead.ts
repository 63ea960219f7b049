// `tools/call echo` to the real server-everything (its own process, Streamable HTTP), direct
// and through the gateway of a full monitor (startMonitor + buildApi, in this process — the
// sequential client shares this process with the monitor; the concurrent clients run in a
// child process of their own, so that they do not compete with the monitor's event loop).
// Direct and gateway runs are interleaved (blocks of sequential calls, rounds of concurrent
// ones, alternating which goes first), so that a machine shared with other work slows both
// paths alike rather than whichever ran during a busy spell (and the machine's warm-up over a run
// does not favour whichever goes last). A third path, a bare pass-through HTTP proxy in this
// process (node:http, keep-alive, bytes piped, nothing read), is the floor: what any extra
// loopback HTTP hop costs on this machine, whatever it does.
import { spawn } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
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
  /** The bare pass-through proxy: the floor of one more HTTP hop. */
  bareProxy: PathResult;
  gateway: PathResult;
  /** What the bare proxy adds: the machine's floor for any proxy. */
  floorP50Ms: number;
  floorP99Ms: number;
  floorThroughputRatio: number;
  addedP50Ms: number;
  addedP99Ms: number;
  throughputRatio: number;
  /** CPU of this process (the monitor) during the concurrent runs, cores. */
  directRunCpuCores: number;
  bareProxyRunCpuCores: number;
  gatewayRunCpuCores: number;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * The SDK gives every fetch of a transport its one long-lived AbortSignal; Node 20's fetch adds
 * an abort listener to it per request and drops it only when the request is garbage-collected
 * (a MaxListenersExceededWarning past 1,500 calls of one client). A signal per request that
 * follows the transport's keeps the listeners on short-lived signals.
 */
const fetchWithOwnSignal: typeof fetch = (input, init) =>
  fetch(input, init?.signal ? { ...init, signal: AbortSignal.any([init.signal]) } : init);

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'bench-gateway', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: fetchWithOwnSignal }));
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

const BLOCK = 100;
const ROUNDS = 4;

/** Sequential latencies of both paths, measured in alternating blocks. */
/** A pass-through HTTP proxy that only pipes: what one more loopback hop costs, and nothing else. */
async function bareProxy(target: string): Promise<{ url: string; server: Server }> {
  const to = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const up = request(
      {
        host: to.hostname,
        port: to.port,
        path: to.pathname,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}

/** The paths in the order of a block or round: rotated, so that each goes first as often. */
const rotation = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => (i + k) % n);

async function sequential(urls: string[], o: Required<GatewayOverheadOptions>): Promise<number[][]> {
  const clients = await Promise.all(urls.map(connect));
  for (const c of clients) for (let i = 0; i < o.warmup; i++) await echo(c);
  const lat: number[][] = urls.map(() => []);
  for (let block = 0; (lat[0]?.length ?? 0) < o.sequential; block++) {
    const order = rotation(urls.length, block);
    const n = Math.min(BLOCK, o.sequential - (lat[0]?.length ?? 0));
    for (const which of order) {
      const client = clients[which];
      const into = lat[which];
      if (client === undefined || into === undefined) continue;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await echo(client);
        into.push(performance.now() - t0);
      }
    }
  }
  await Promise.all(clients.map((c) => c.close()));
  for (const l of lat) l.sort((a, b) => a - b);
  return lat;
}

/** Concurrent throughput of both paths, in alternating rounds; CPU of this process meanwhile. */
async function concurrent(
  urls: string[],
  o: Required<GatewayOverheadOptions>,
): Promise<{ callsPerSecond: number; cpuCores: number }[]> {
  const totals = urls.map(() => ({ wallMs: 0, cpuMs: 0 }));
  const perRound = Math.ceil(o.concurrentCalls / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of rotation(urls.length, round)) {
      const load = await concurrentLoad(urls[which] ?? '', o.clients, perRound);
      const total = totals[which];
      if (total === undefined) continue;
      total.wallMs += load.wallMs;
      total.cpuMs += load.parentCpuMs;
    }
  }
  const result = (t: { wallMs: number; cpuMs: number }) => ({
    callsPerSecond: Math.round(((perRound * ROUNDS) / t.wallMs) * 1000),
    cpuCores: round2(t.cpuMs / t.wallMs),
  });
  return totals.map(result);
}

export async function gatewayOverhead(options: GatewayOverheadOptions = {}): Promise<GatewayOverheadResult> {
  const o: Required<GatewayOverheadOptions> = {
    sequential: options.sequential ?? 2000,
    warmup: options.warmup ?? 200,
    clients: options.clients ?? 32,
    concurrentCalls: options.concurrentCalls ?? 10_000,
  };
  // One server-everything for both paths: the difference between them is then the gateway alone,
  // not two processes' different JIT state or load (the monitor's probe session, per-session
  // timers). Both paths' sessions are open on it throughout, so each sees the same server.
  const upstream = await startEverythingHttp();
  const bare = await bareProxy(upstream.url);
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
    const urls = [upstream.url, `${bare.url}/mcp`, `${base}/mcp/everything`];
    const lats = await sequential(urls, o);
    const loads = await concurrent(urls, o);
    const [d, f, g] = urls.map((_, k) => {
      const lat = lats[k] ?? [];
      const load = loads[k] ?? { callsPerSecond: NaN, cpuCores: NaN };
      return { p50Ms: quantile(lat, 0.5), p99Ms: quantile(lat, 0.99), ...load };
    });
    if (d === undefined || f === undefined || g === undefined) throw new Error('unreachable: three paths');
    const view = (x: typeof d): PathResult => ({
      callsPerSecond: x.callsPerSecond,
      p50Ms: round2(x.p50Ms),
      p99Ms: round2(x.p99Ms),
    });
    return {
      ...o,
      direct: view(d),
      bareProxy: view(f),
      gateway: view(g),
      floorP50Ms: round2(f.p50Ms - d.p50Ms),
      floorP99Ms: round2(f.p99Ms - d.p99Ms),
      floorThroughputRatio: round2(f.callsPerSecond / d.callsPerSecond),
      addedP50Ms: round2(g.p50Ms - d.p50Ms),
      addedP99Ms: round2(g.p99Ms - d.p99Ms),
      throughputRatio: round2(g.callsPerSecond / d.callsPerSecond),
      directRunCpuCores: d.cpuCores,
      bareProxyRunCpuCores: f.cpuCores,
      gatewayRunCpuCores: g.cpuCores,
    };
  } finally {
    await app.close();
    await monitor.stop();
    await upstream.stop();
    await new Promise((r) => bare.server.close(r));
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
