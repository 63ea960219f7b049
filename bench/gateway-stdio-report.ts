// The stdio proxy comparison as the section docs/BENCHMARKS.md keeps, with the verdict on the two
// goals: the gateway at or below the best npm MCP proxy (supergateway, mcp-proxy) in the same run,
// and at most 0.3 ms above the bare bridge at the median.
import { cpus } from 'node:os';
import { gatewayStdio, type StdioPathResult } from './gateway-stdio.js';
import { STDIO_PATHS, type StdioPathName } from './stdio-proxies.js';

const NAMES: Record<StdioPathName, string> = {
  bridge: 'bare node:http → stdio bridge (the floor)',
  supergateway: 'supergateway 4 (--stateful)',
  mcpProxy: 'mcp-proxy 6',
  gateway: 'mcp-health gateway',
};
const ABOVE_BRIDGE_GOAL_MS = 0.3;

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const pct = (ratio: number): string => `${Math.round(ratio * 100)} %`;
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** One comparison with the better npm proxy: "met" or by how much it is missed. */
function against(label: string, gw: number, best: number, lowerIsBetter: boolean, unit: string): string {
  const met = lowerIsBetter ? gw <= best : gw >= best;
  return `${label} ${gw}${unit} vs ${best}${unit} — ${met ? 'met' : 'not met'}`;
}

export async function stdioSection(day: string, machine: string): Promise<string[]> {
  const o = {
    rounds: env('BENCH_STDIO_ROUNDS', 8),
    sequential: env('BENCH_STDIO_CALLS', 300),
    clients: env('BENCH_STDIO_CLIENTS', 16),
    seconds: env('BENCH_STDIO_SECONDS', 3),
    profileDir: process.env.BENCH_STDIO_PROFILE,
  };
  process.stderr.write(
    `gateway vs other MCP proxies (stdio): ${o.rounds} rounds of ${o.sequential} sequential calls and ${o.seconds} s of ${o.clients} clients per path…\n`,
  );
  const r = await gatewayStdio(o);
  const p = r.paths;
  const row = (name: StdioPathName): string => {
    const x: StdioPathResult = p[name];
    const cpu = `${x.cpuPerCallUs.proxy} / ${x.cpuPerCallUs.servers} / ${x.cpuPerCallUs.clients} µs`;
    return `| ${NAMES[name]} | ${x.p50Ms} ms | ${x.p99Ms} ms | ${x.callsPerSecond} | ${cpu} |`;
  };
  const npm = [p.supergateway, p.mcpProxy];
  const best = {
    p50: Math.min(...npm.map((x) => x.p50Ms)),
    p99: Math.min(...npm.map((x) => x.p99Ms)),
    rate: Math.max(...npm.map((x) => x.callsPerSecond)),
    cpu: Math.min(...npm.map((x) => x.cpuPerCallUs.proxy)),
  };
  const g = p.gateway;
  const above = r.gatewayAboveBridge;
  const range = (xs: number[]): string => `${Math.min(...xs)}–${Math.max(...xs)}`;
  return [
    `## Gateway vs other MCP proxies (stdio) — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=gateway-stdio BENCH_STDIO_ROUNDS=${r.rounds} BENCH_STDIO_CALLS=${r.sequential} BENCH_STDIO_CLIENTS=${r.clients} BENCH_STDIO_SECONDS=${r.seconds} npm run bench\``,
    '',
    `Load (1 min): ${r.load.before} before, ${r.load.roundsMin}–${r.load.roundsMax} over the rounds, ${r.load.after} after; ${cpus().length} cores. \`tools/call echo\` through each proxy to the same stdio server (bench/stdio-echo-server.mjs, SDK); each proxy its own process; one SDK client process holds every session. ${r.rounds} rounds of: ${r.sequential} sequential calls per path (1 client), then ${r.seconds} s of ${r.clients} concurrent clients per path; path order rotating by round; medians of rounds. CPU per call in the concurrent windows: the proxy process / its stdio servers / the clients.`,
    '',
    `| path | p50 (1 client) | p99 (1 client) | calls/s (${r.clients} clients) | CPU per call: proxy / servers / clients |`,
    '| --- | --- | --- | --- | --- |',
    ...STDIO_PATHS.map(row),
    `| gateway above the bridge (paired by round) | **${above.p50Ms} ms** (goal ≤ ${ABOVE_BRIDGE_GOAL_MS}) | ${above.p99Ms} ms | ${pct(above.throughputRatio)} of the bridge's | ${g.cpuPerCallUs.proxy - p.bridge.cpuPerCallUs.proxy} µs more |`,
    '',
    `p50 by round (ms): bridge ${range(p.bridge.roundP50Ms)}, supergateway ${range(p.supergateway.roundP50Ms)}, mcp-proxy ${range(p.mcpProxy.roundP50Ms)}, gateway ${range(g.roundP50Ms)}; calls/s by round: bridge ${range(p.bridge.roundRates)}, supergateway ${range(p.supergateway.roundRates)}, mcp-proxy ${range(p.mcpProxy.roundRates)}, gateway ${range(g.roundRates)}.`,
    '',
    `**≤ the best of supergateway / mcp-proxy:** ${[
      against('p50', g.p50Ms, best.p50, true, ' ms'),
      against('p99', g.p99Ms, best.p99, true, ' ms'),
      against('calls/s', g.callsPerSecond, best.rate, false, ''),
      against('proxy CPU per call', g.cpuPerCallUs.proxy, best.cpu, true, ' µs'),
    ].join('; ')}.`,
    `**≤ ${ABOVE_BRIDGE_GOAL_MS} ms above the bare bridge (p50):** ${above.p50Ms} ms — ${above.p50Ms <= ABOVE_BRIDGE_GOAL_MS ? 'met' : `not met (by ${round2(above.p50Ms - ABOVE_BRIDGE_GOAL_MS)} ms)`}.`,
  ];
}
