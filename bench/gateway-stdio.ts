// The gateway against what else a user could put in front of a stdio MCP server: supergateway
// (--stateful), mcp-proxy, and a bare node:http → stdio bridge (the floor: stdio-bridge.ts), all
// in front of the same tiny SDK server (stdio-echo-server.mjs), each proxy a process of its own
// (stdio-proxies.ts). One client process (stdio-clients.ts) holds every path's sessions for the
// whole run and calls `tools/call echo` through the MCP SDK client over Streamable HTTP.
// A round is, for every path in turn, a block of sequential calls from one client, then, for every
// path in turn, a timed window of calls from N concurrent clients; the order rotates each round,
// so a busy spell of the shared machine (or its warming up) falls on every path alike. Each
// figure is the median of its rounds.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { descendantsCpuMs, median, processCpuMs, quantile, round2 } from './mcp-bench-client.js';
import { startStdioProxies, STDIO_PATHS, type StdioPathName } from './stdio-proxies.js';

export interface GatewayStdioOptions {
  /** Rounds (default 8). */
  rounds?: number;
  /** Sequential calls per path a round, from one client (default 300). */
  sequential?: number;
  /** Concurrent clients per path, a session each (default 16). */
  clients?: number;
  /** Length of each path's concurrent window a round, s (default 3). */
  seconds?: number;
  /** Calls of the sequential client before the first round (default 200). */
  warmup?: number;
  /** Run the monitor with --cpu-prof, its profile written here. */
  profileDir?: string;
}

export interface CpuPerCall {
  /** The proxy's own process. */
  proxy: number;
  /** The stdio server processes it runs (one per session, or one shared). */
  servers: number;
  /** The client process. */
  clients: number;
}

export interface StdioPathResult {
  p50Ms: number;
  p99Ms: number;
  callsPerSecond: number;
  /** µs of CPU per call in the concurrent windows. */
  cpuPerCallUs: CpuPerCall;
  /** Each round's p50 and calls/s, in round order. */
  roundP50Ms: number[];
  roundRates: number[];
}

export interface GatewayStdioResult extends Required<Omit<GatewayStdioOptions, 'profileDir'>> {
  /** The 1-minute load average before the proxies started, its lowest and highest over the rounds, and after. */
  load: { before: number; roundsMin: number; roundsMax: number; after: number };
  paths: Record<StdioPathName, StdioPathResult>;
  /** The gateway minus the bridge, round by round (paired), the median: its own cost above the floor. */
  gatewayAboveBridge: { p50Ms: number; p99Ms: number; throughputRatio: number };
}

const rotation = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => (i + k) % n);

/** The client process and a way to wait for its next line that starts with a word. */
function clientsProcess(urls: string[], clients: number, warmup: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./stdio-clients.ts', import.meta.url)),
      String(clients),
      String(warmup),
      ...urls,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  if (child.stdout === null) throw new Error('unreachable: piped stdout');
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    wake?.();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
    wake?.();
  });
  const next = async (word: string): Promise<string> => {
    for (;;) {
      const i = lines.findIndex((l) => l.startsWith(word));
      if (i !== -1) return lines.splice(i, 1)[0]?.slice(word.length).trim() ?? '';
      if (exited) throw new Error(`the client process ended before "${word}"`);
      await new Promise<void>((r) => (wake = r));
    }
  };
  const send = (line: string): void => void child.stdin?.write(`${line}\n`);
  const done = new Promise((r) => child.once('exit', r));
  return { child, next, send, done };
}

interface Window {
  calls: number;
  wallMs: number;
  cpuMs: CpuPerCall;
}

export async function gatewayStdio(options: GatewayStdioOptions = {}): Promise<GatewayStdioResult> {
  const o = {
    rounds: options.rounds ?? 8,
    sequential: options.sequential ?? 300,
    clients: options.clients ?? 16,
    seconds: options.seconds ?? 3,
    warmup: options.warmup ?? 200,
  };
  const loadBefore = loadavg()[0] ?? NaN;
  const proxies = await startStdioProxies({ profileDir: options.profileDir });
  const loads: number[] = [];
  let driver: ReturnType<typeof clientsProcess> | undefined;
  try {
    driver = clientsProcess(
      STDIO_PATHS.map((p) => proxies[p].url),
      o.clients,
      o.warmup,
    );
    await driver.next('ready');
    const seq: number[][][] = STDIO_PATHS.map(() => []);
    const windows: Window[][] = STDIO_PATHS.map(() => []);
    for (let round = 0; round < o.rounds; round++) {
      loads.push(loadavg()[0] ?? NaN);
      for (const k of rotation(STDIO_PATHS.length, round)) {
        driver.send(`seq ${k} ${o.sequential}`);
        // safe because: the client process prints the latencies it measured as a JSON array.
        const lat = JSON.parse(await driver.next('seq')) as number[];
        seq[k]?.push(lat.sort((a, b) => a - b));
      }
      for (const k of rotation(STDIO_PATHS.length, round)) {
        const pid = proxies[STDIO_PATHS[k] ?? 'gateway'].pid;
        driver.send(`load ${k} ${o.seconds * 1000}`);
        await driver.next('started');
        const proxy0 = processCpuMs(pid);
        const servers0 = descendantsCpuMs(pid);
        const [calls, wallMs, clientsMs] = (await driver.next('load')).split(' ').map(Number);
        const cpuMs = {
          proxy: processCpuMs(pid) - proxy0,
          servers: descendantsCpuMs(pid) - servers0,
          clients: clientsMs ?? NaN,
        };
        windows[k]?.push({ calls: calls ?? NaN, wallMs: wallMs ?? NaN, cpuMs });
      }
    }
    driver.send('quit');
    await driver.done;
    const result = (k: number): StdioPathResult => {
      const blocks = seq[k] ?? [];
      const runs = windows[k] ?? [];
      const perCall = (pick: (c: CpuPerCall) => number): number =>
        Math.round(median(runs.map((w) => (pick(w.cpuMs) * 1000) / w.calls)));
      const rates = runs.map((w) => (w.calls / w.wallMs) * 1000);
      return {
        p50Ms: round2(median(blocks.map((b) => quantile(b, 0.5)))),
        p99Ms: round2(median(blocks.map((b) => quantile(b, 0.99)))),
        callsPerSecond: Math.round(median(rates)),
        cpuPerCallUs: {
          proxy: perCall((c) => c.proxy),
          servers: perCall((c) => c.servers),
          clients: perCall((c) => c.clients),
        },
        roundP50Ms: blocks.map((b) => round2(quantile(b, 0.5))),
        roundRates: rates.map(Math.round),
      };
    };
    const paths = Object.fromEntries(STDIO_PATHS.map((p, k) => [p, result(k)])) as Record<
      StdioPathName,
      StdioPathResult
    >;
    const b = STDIO_PATHS.indexOf('bridge');
    const g = STDIO_PATHS.indexOf('gateway');
    const paired = (f: (gw: number[], br: number[]) => number): number[] =>
      (seq[g] ?? []).map((gw, i) => f(gw, seq[b]?.[i] ?? []));
    const rateOf = (w: Window | undefined): number => (w === undefined ? NaN : w.calls / w.wallMs);
    return {
      ...o,
      load: {
        before: round2(loadBefore),
        roundsMin: round2(Math.min(...loads)),
        roundsMax: round2(Math.max(...loads)),
        after: round2(loadavg()[0] ?? NaN),
      },
      paths,
      gatewayAboveBridge: {
        p50Ms: round2(median(paired((gw, br) => quantile(gw, 0.5) - quantile(br, 0.5)))),
        p99Ms: round2(median(paired((gw, br) => quantile(gw, 0.99) - quantile(br, 0.99)))),
        throughputRatio: round2(
          median((windows[g] ?? []).map((w, i) => rateOf(w) / rateOf(windows[b]?.[i]))),
        ),
      },
    };
  } finally {
    if (driver?.child.exitCode === null) driver.child.kill();
    await Promise.all(STDIO_PATHS.map((p) => proxies[p].stop()));
  }
}
