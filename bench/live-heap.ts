// Live heap of a monitor checking N servers, after a full GC, every 10 s:
// `N=10000 INTERVAL=30 ROUNDS=9 node --expose-gc --import tsx bench/live-heap.ts`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';
import { startResponder } from './probe-scale.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const n = Number(process.env.N ?? 3000);
const responder = await startResponder();
gc();
const base = process.memoryUsage().heapUsed;
const dataDir = mkdtempSync(join(tmpdir(), 'mcp-health-heap-'));
const config = configSchema.parse({
  data_dir: dataDir,
  health_check_interval: Number(process.env.INTERVAL ?? 30),
  log_level: 'warn',
  servers: Array.from({ length: n }, (_, i) => ({
    name: `s${i}`,
    transport: 'streamable-http',
    url: `http://127.0.0.1:${responder.port}/s/${i}/mcp`,
  })),
});
const monitor = await startMonitor({
  config,
  log: createLogger('warn', new Writable({ write: (_c, _e, d) => d() })),
});
while (monitor.registry.list().some((s) => s.state.lastCheck === null))
  await new Promise((r) => setTimeout(r, 200));
for (let round = 0; round < Number(process.env.ROUNDS ?? 3); round++) {
  await new Promise((r) => setTimeout(r, 10_000));
  gc();
  const used = process.memoryUsage().heapUsed;
  process.stdout.write(
    `servers ${n}  round ${round}  live heap ${Math.round(used / 2 ** 20)} MB  per server ${Math.round((used - base) / n / 1024)} KB\n`,
  );
}
await monitor.stop();
responder.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
