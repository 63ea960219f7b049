// `npm run bench`: every benchmark, printed as the rows docs/BENCHMARKS.md keeps.
// BENCH_SERVERS (10000), BENCH_INTERVAL (30 s), BENCH_SECONDS (60) scale the probe benchmark.
import { cpus, totalmem } from 'node:os';
import { probeScale } from './probe-scale.js';

const servers = Number(process.env.BENCH_SERVERS ?? 10_000);
const interval = Number(process.env.BENCH_INTERVAL ?? 30);
const seconds = Number(process.env.BENCH_SECONDS ?? 60);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
process.stderr.write(
  `probe scale: ${servers} servers every ${interval} s, measured ${seconds} s after the first round and one more interval…\n`,
);
const r = await probeScale(servers, interval, seconds);
process.stdout.write(
  [
    `## Probe scale — ${new Date().toISOString().slice(0, 10)}, ${machine}`,
    '',
    `\`BENCH_SERVERS=${servers} BENCH_INTERVAL=${interval} BENCH_SECONDS=${seconds} npm run bench\``,
    '',
    '| servers | interval | probes/s | failed | lag p50 | lag p99 | lag max | monitor CPU | RSS max | heap used max | registry set-up | first round |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.servers} | ${r.intervalS} s | ${r.probesPerSecond} | ${r.failedChecks} | ${r.lagP50Ms} ms | ${r.lagP99Ms} ms | ${r.lagMaxMs} ms | ${r.cpuCores} cores | ${r.rssMaxMb} MB | ${r.heapUsedMaxMb} MB | ${r.setupS} s | ${r.firstRoundS} s |`,
    '',
  ].join('\n'),
);
process.exit(0);
