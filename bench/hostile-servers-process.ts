// The hostile servers of the hostile-upstream benchmark, in a process of their own so that
// neither their memory nor their CPU is counted as the monitor's. Prints one line per server:
// `server <name> <url>`, then `ready`.
import { startHostileServer, type HostileOptions } from '../test/fixtures/hostile/hostile-http-server.js';

const MB = 1024 * 1024;
const fleet: [string, HostileOptions][] = [
  ['answer-50mb-1', { answerBytes: 50 * MB }],
  ['answer-50mb-2', { answerBytes: 50 * MB }],
  ['answer-50mb-sse', { answerBytes: 50 * MB, sse: true }],
  ['server-info-10mb-1', { serverInfoChars: 10 * MB }],
  ['server-info-10mb-2', { serverInfoChars: 10 * MB }],
  ['tools-100k', { tools: 100_000 }],
  ['tools-100k-paged', { tools: 100_000, pageSize: 5_000 }],
];

// BENCH_HOSTILE_SERVERS=answer,tools: only the servers whose names start so (to see what costs what).
const only = process.env.BENCH_HOSTILE_SERVERS?.split(',');
const chosen = only === undefined ? fleet : fleet.filter(([name]) => only.some((o) => name.startsWith(o)));
const servers = await Promise.all(chosen.map(([, options]) => startHostileServer(options)));
chosen.forEach(([name], i) => process.stdout.write(`server ${name} ${servers[i]?.url ?? ''}\n`));
process.stdout.write('ready\n');
const stop = (): void => void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
process.stdin.resume();
process.stdin.on('end', stop);
process.on('SIGTERM', stop);
