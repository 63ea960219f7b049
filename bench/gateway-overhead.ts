// `tools/call echo` to the real server-everything (its own process, Streamable HTTP), direct
// and through the gateway of a full monitor (startMonitor + buildApi, in this process). The
// clients, sequential and concurrent, run in child processes of their own, as real MCP clients
// do: they do not share the monitor's event loop and heap.
// Direct and gateway runs are interleaved (blocks of sequential calls, rounds of concurrent
// ones, alternating which goes first), so that a machine shared with other work slows both
// paths alike rather than whichever ran during a busy spell (and the machine's warm-up over a run
// does not favour whichever goes last). Two more paths in this process are floors: a raw TCP pipe
// (bytes copied between two sockets, no HTTP at all: what one more process on the path costs, its
// wake-ups and loopback copies) and a bare pass-through HTTP proxy (node:http, keep-alive, bytes
// piped, nothing read: what any extra HTTP hop costs on this machine, whatever it does).
import { spawn } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/client';
import { buildApi } from '../src/api/app.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';
import { startEverythingHttp } from '../test/helpers/everything.js';
import { connectClient, echo, processCpuMs, quantile, round2 } from './mcp-bench-client.js';

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
  /** CPU per call during the concurrent runs, µs, by process. */
  cpuPerCallUs: CpuPerCall;
}

export interface CpuPerCall {
  /** The 32 clients' process. */
  clients: number;
  /** server-everything. */
  server: number;
  /** This process: the monitor (gateway) and the bare proxy. */
  monitor: number;
}

/** One path's figures against direct: what it adds. */
export interface Added {
  p50Ms: number;
  p99Ms: number;
  /** calls/s through the path over calls/s direct, the concurrent runs. */
  throughputRatio: number;
  /** The throughput ratio of each round (the path's round against direct's): the lowest and highest. */
  roundRatios: [number, number];
}

/** The paths measured, in the order of the table. */
export const PATHS = ['direct', 'tcpPipe', 'bareProxy', 'gateway'] as const;
export type PathName = (typeof PATHS)[number];

export interface GatewayOverheadResult {
  sequential: number;
  warmup: number;
  clients: number;
  concurrentCalls: number;
  rounds: number;
  /**
   * direct; tcpPipe, a raw TCP pipe (the floor of one more process on the path); bareProxy, a
   * node:http pass-through (the floor of one more HTTP hop); gateway, the monitor's /mcp/<id>.
   */
  paths: Record<PathName, PathResult>;
  /** What each path adds to direct. */
  added: Record<Exclude<PathName, 'direct'>, Added>;
}

function roundRatios(path: number[], direct: number[]): [number, number] {
  const ratios = path.map((rate, i) => rate / (direct[i] ?? NaN));
  return [round2(Math.min(...ratios)), round2(Math.max(...ratios))];
}

/** One session's client (the server-everything sessions live as long as the bench). */
const connect = async (url: string): Promise<Client> => (await connectClient(url)).client;

interface Load {
  wallMs: number;
  /** CPU spent during the timed run, ms: by the clients, by the server, by this process. */
  cpuMs: CpuPerCall;
}

/** The concurrent run in a child process, and the CPU each process spent meanwhile. */
async function concurrentLoad(
  url: string,
  clients: number,
  calls: number,
  serverPid?: number,
): Promise<Load> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), 'load', url, String(clients), String(calls)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  let cpu0: NodeJS.CpuUsage | undefined;
  let server0 = NaN;
  child.stdout.on('data', () => {
    if (cpu0 !== undefined) return;
    cpu0 = process.cpuUsage();
    server0 = processCpuMs(serverPid);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const cpu = process.cpuUsage(cpu0);
  const server = processCpuMs(serverPid) - server0;
  const m = /done (\d+(?:\.\d+)?) cpu (\d+(?:\.\d+)?)/.exec(out);
  if (code !== 0 || m === null) throw new Error(`load generator failed (exit ${code}): ${out}`);
  const monitor = (cpu.user + cpu.system) / 1000;
  return { wallMs: Number(m[1]), cpuMs: { clients: Number(m[2]), server, monitor } };
}

const BLOCK = 100;
/** Short rounds, many: a busy spell of the machine then slows one round of each path, not a whole path. */
const ROUNDS = 10;

/** Listens on a free loopback port; its base URL. */
async function listenLocal(server: TcpServer): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://127.0.0.1:${port}`;
}

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
  return { url: await listenLocal(server), server };
}

/** A raw TCP pipe: what one more process between client and server costs, with no HTTP at all. */
async function tcpPipe(target: string): Promise<{ url: string; server: TcpServer }> {
  const to = new URL(target);
  const server = createTcpServer((client) => {
    const up = tcpConnect(Number(to.port), to.hostname);
    client.setNoDelay(true);
    up.setNoDelay(true);
    client.pipe(up).pipe(client);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  return { url: await listenLocal(server), server };
}

/** The paths in the order of a block or round: rotated, so that each goes first as often. */
const rotation = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => (i + k) % n);

/**
 * Sequential latencies of every path, measured in alternating blocks by one client per path in a
 * child process (as a real MCP client is: its own process, not the monitor's event loop and heap).
 */
async function sequential(urls: string[], o: Required<GatewayOverheadOptions>): Promise<number[][]> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      'sequential',
      String(o.sequential),
      String(o.warmup),
      ...urls,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const m = /^latencies (.*)$/m.exec(out);
  if (code !== 0 || m === null) throw new Error(`sequential client failed (exit ${code}): ${out}`);
  // safe because: the child prints the arrays it measured, one per path, as JSON.
  return JSON.parse(m[1] ?? '[]') as number[][];
}

/** The child's side of `sequential`: blocks of calls per path, rotating which goes first. */
async function measureSequential(urls: string[], count: number, warmup: number): Promise<number[][]> {
  const clients = await Promise.all(urls.map(connect));
  for (const c of clients) for (let i = 0; i < warmup; i++) await echo(c);
  const lat: number[][] = urls.map(() => []);
  for (let block = 0; (lat[0]?.length ?? 0) < count; block++) {
    const order = rotation(urls.length, block);
    const n = Math.min(BLOCK, count - (lat[0]?.length ?? 0));
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

/** Concurrent throughput of every path, in alternating rounds; the CPU per call of each process. */
async function concurrent(
  urls: string[],
  o: Required<GatewayOverheadOptions>,
  serverPid: number | undefined,
): Promise<{ callsPerSecond: number; roundRates: number[]; cpuPerCallUs: CpuPerCall }[]> {
  const totals = urls.map(() => ({
    wallMs: 0,
    rates: [] as number[],
    cpuMs: { clients: 0, server: 0, monitor: 0 },
  }));
  const perRound = Math.ceil(o.concurrentCalls / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of rotation(urls.length, round)) {
      const load = await concurrentLoad(urls[which] ?? '', o.clients, perRound, serverPid);
      const total = totals[which];
      if (total === undefined) continue;
      total.wallMs += load.wallMs;
      total.rates.push((perRound / load.wallMs) * 1000);
      total.cpuMs.clients += load.cpuMs.clients;
      total.cpuMs.server += load.cpuMs.server;
      total.cpuMs.monitor += load.cpuMs.monitor;
    }
  }
  const calls = perRound * ROUNDS;
  const us = (ms: number): number => Math.round((ms * 1000) / calls);
  return totals.map((t) => ({
    callsPerSecond: Math.round((calls / t.wallMs) * 1000),
    roundRates: t.rates,
    cpuPerCallUs: { clients: us(t.cpuMs.clients), server: us(t.cpuMs.server), monitor: us(t.cpuMs.monitor) },
  }));
}

export async function gatewayOverhead(options: GatewayOverheadOptions = {}): Promise<GatewayOverheadResult> {
  const o: Required<GatewayOverheadOptions> = {
    sequential: options.sequential ?? 2000,
    warmup: options.warmup ?? 200,
    clients: options.clients ?? 32,
    concurrentCalls: options.concurrentCalls ?? 10_000,
  };
  // One server-everything for every path: the differences between them are then the paths alone,
  // not two processes' different JIT state or load (the monitor's probe session, per-session
  // timers). Every path's sessions are open on it throughout, so each sees the same server.
  const upstream = await startEverythingHttp();
  const pipe = await tcpPipe(upstream.url);
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
    const urls: Record<PathName, string> = {
      direct: upstream.url,
      tcpPipe: `${pipe.url}/mcp`,
      bareProxy: `${bare.url}/mcp`,
      gateway: `${base}/mcp/everything`,
    };
    const lats = await sequential(
      PATHS.map((p) => urls[p]),
      o,
    );
    const loads = await concurrent(
      PATHS.map((p) => urls[p]),
      o,
      upstream.child.pid,
    );
    const measured = (k: number): PathResult & { roundRates: number[] } => {
      const lat = lats[k] ?? [];
      const load = loads[k];
      if (load === undefined) throw new Error(`no concurrent run for path ${k}`);
      return {
        p50Ms: round2(quantile(lat, 0.5)),
        p99Ms: round2(quantile(lat, 0.99)),
        callsPerSecond: load.callsPerSecond,
        cpuPerCallUs: load.cpuPerCallUs,
        roundRates: load.roundRates,
      };
    };
    const [direct, tcp, proxy, gateway] = PATHS.map((_, k) => measured(k));
    if (direct === undefined || tcp === undefined || proxy === undefined || gateway === undefined) {
      throw new Error('unreachable: four paths');
    }
    const added = (x: typeof direct): Added => ({
      p50Ms: round2(x.p50Ms - direct.p50Ms),
      p99Ms: round2(x.p99Ms - direct.p99Ms),
      throughputRatio: round2(x.callsPerSecond / direct.callsPerSecond),
      roundRatios: roundRatios(x.roundRates, direct.roundRates),
    });
    const view = (x: typeof direct): PathResult => ({
      p50Ms: x.p50Ms,
      p99Ms: x.p99Ms,
      callsPerSecond: x.callsPerSecond,
      cpuPerCallUs: x.cpuPerCallUs,
    });
    return {
      ...o,
      rounds: ROUNDS,
      paths: { direct: view(direct), tcpPipe: view(tcp), bareProxy: view(proxy), gateway: view(gateway) },
      added: { tcpPipe: added(tcp), bareProxy: added(proxy), gateway: added(gateway) },
    };
  } finally {
    await app.close();
    await monitor.stop();
    await upstream.stop();
    await new Promise((r) => bare.server.close(r));
    await new Promise((r) => pipe.server.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Child modes: `tsx bench/gateway-overhead.ts sequential <calls> <warmup> <url>...` prints
// `latencies <json>`; `… load <url> <clients> <calls>` prints `start` as the timed run begins and
// `done <ms>` at its end.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'sequential') {
  const [count, warmup, ...urls] = process.argv.slice(3);
  const lat = await measureSequential(urls, Number(count), Number(warmup));
  process.stdout.write(`latencies ${JSON.stringify(lat)}\n`);
  process.exit(0);
}
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'load') {
  const [url, clients, calls] = process.argv.slice(3);
  const all = await Promise.all(Array.from({ length: Number(clients) }, () => connect(url ?? '')));
  for (const c of all) for (let i = 0; i < 10; i++) await echo(c);
  process.stdout.write('start\n');
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    all.map(async (c) => {
      while (next < Number(calls)) {
        next++;
        await echo(c);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(all.map((c) => c.close()));
  process.stdout.write(`done ${wallMs} cpu ${(cpu.user + cpu.system) / 1000}\n`);
  process.exit(0);
}
