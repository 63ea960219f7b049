// A full monitor (startMonitor + buildApi) in a process of its own, for the stdio proxy
// comparison: there every proxy is a process of its own and the bench process only orchestrates,
// so each proxy's CPU is its process's. Usage: node --import tsx bench/monitor-process.ts <config
// JSON>; prints `listening <base URL>`; SIGTERM (or stdin's end) stops it cleanly, which also lets
// `--cpu-prof` write its profile.
import { Writable } from 'node:stream';
import { buildApi } from '../src/api/app.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';

const config = configSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const log = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
const monitor = await startMonitor({ config, log });
const { app } = await buildApi(monitor);
const base = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${base}\n`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  // Clients that still hold keep-alive connections would otherwise hold up the close.
  app.server.closeAllConnections();
  await app.close();
  await monitor.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.resume();
process.stdin.on('end', () => void stop());
