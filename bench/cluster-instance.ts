// One cluster instance for the cluster benchmark (bench/cluster.ts): a full monitor on the given
// PostgreSQL schema in a process of its own, so its CPU and RSS are its own. Usage:
// node --import tsx bench/cluster-instance.ts <config JSON file> <schema>; prints `listening <url>`,
// then every second `stats {"cpu_ms":…,"rss":…,"lags":[…]}` (the schedule lags since the last line).
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { buildApi } from '../src/api/app.js';
import { applyHeapGrowth } from '../src/checker/heap-growth.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';

applyHeapGrowth();
const config = configSchema.parse(JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')));
const log = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
const monitor = await startMonitor({ config, log, schema: process.argv[3] });
const { app } = await buildApi(monitor);
const base = await app.listen({ port: 0, host: '127.0.0.1' });
monitor.listeningAt(base);
process.stdout.write(`listening ${base}\n`);
setInterval(() => {
  const cpu = process.cpuUsage();
  const stats = {
    cpu_ms: (cpu.user + cpu.system) / 1000,
    rss: process.memoryUsage().rss,
    lags: monitor.checker.takeScheduleLags(),
  };
  process.stdout.write(`stats ${JSON.stringify(stats)}\n`);
}, 1000).unref();
process.on('SIGTERM', () => void monitor.stop().then(() => process.exit(0)));
process.stdin.resume();
