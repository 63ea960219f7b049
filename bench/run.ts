// `npm run bench`: every benchmark, printed as the rows docs/BENCHMARKS.md keeps.
// BENCH_ONLY=probe|ingest runs one. BENCH_SERVERS (10000), BENCH_INTERVAL (30 s) and
// BENCH_SECONDS (60) scale the probe benchmark; BENCH_EVENTS (1,000,000) the ingest one.
import { cpus, totalmem } from 'node:os';
import { benchIngest } from './ingest.js';
import { probeScale } from './probe-scale.js';

const only = process.env.BENCH_ONLY;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const day = new Date().toISOString().slice(0, 10);
const out = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n\n`);

if (!only || only === 'probe') {
  const servers = Number(process.env.BENCH_SERVERS ?? 10_000);
  const interval = Number(process.env.BENCH_INTERVAL ?? 30);
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  process.stderr.write(
    `probe scale: ${servers} servers every ${interval} s, measured ${seconds} s after the first round and one more interval…\n`,
  );
  const r = await probeScale(servers, interval, seconds);
  out([
    `## Probe scale — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=probe BENCH_SERVERS=${servers} BENCH_INTERVAL=${interval} BENCH_SECONDS=${seconds} npm run bench\``,
    '',
    '| servers | interval | probes/s | failed | lag p50 | lag p99 | lag max | monitor CPU | RSS max | heap used max | registry set-up | first round |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.servers} | ${r.intervalS} s | ${r.probesPerSecond} | ${r.failedChecks} | ${r.lagP50Ms} ms | ${r.lagP99Ms} ms | ${r.lagMaxMs} ms | ${r.cpuCores} cores | ${r.rssMaxMb} MB | ${r.heapUsedMaxMb} MB | ${r.setupS} s | ${r.firstRoundS} s |`,
  ]);
}

if (!only || only === 'ingest') {
  const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
  process.stderr.write(`ingest: ${events} request events through the aggregator into SQLite…\n`);
  const r = await benchIngest({ events });
  out([
    `## Ingest — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=ingest BENCH_EVENTS=${events} npm run bench\``,
    '',
    '| events | servers × endpoints | events/s (record + flush) | events/s (record only) | flushes | flush avg | flush max | rows | SQLite MB | heap used max |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.events} | ${r.servers} × ${r.endpoints / r.servers} | ${r.eventsPerSecond} | ${r.recordEventsPerSecond} | ${r.flushes} | ${r.flushMsAvg} ms | ${r.flushMsMax} ms | ${r.rowsWritten} | ${r.dbMb} | ${r.heapUsedMaxMb} MB |`,
  ]);
}
process.exit(0);
