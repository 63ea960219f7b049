// The MCP clients of the stdio proxy comparison, in a process of their own (as real clients are),
// holding their sessions through the whole run: per path one sequential client and N concurrent
// ones, opened and warmed once, so that no round pays for (or is disturbed by) proxies spawning
// and stopping server processes. Driven over stdin, one command a line:
//   seq <path> <calls>  → `seq <JSON latencies, ms>`
//   load <path> <ms>    → `started`, then `load <calls> <wall ms> <client CPU ms>`: every
//                         concurrent client of the path calls in a loop until the time is up
//   quit                → ends every session (DELETE) and exits
// Usage: node --import tsx bench/stdio-clients.ts <clients per path> <warm-up calls> <url>...;
// prints `ready` once every session is open and warm.
import { createInterface } from 'node:readline';
import { closeClient, connectClient, echo, type BenchClient } from './mcp-bench-client.js';

const [clientsArg = '16', warmupArg = '200', ...urls] = process.argv.slice(2);
const perPath = Number(clientsArg);
const warmup = Number(warmupArg);

interface PathClients {
  sequential: BenchClient;
  concurrent: BenchClient[];
}

async function open(url: string): Promise<PathClients> {
  const sequential = await connectClient(url);
  // One at a time: a proxy that spawns a server per session is not measured starting 16 at once.
  const concurrent: BenchClient[] = [];
  for (let i = 0; i < perPath; i++) concurrent.push(await connectClient(url));
  for (let i = 0; i < warmup; i++) await echo(sequential.client);
  await Promise.all(concurrent.map(async (c) => (await echo(c.client), echo(c.client))));
  return { sequential, concurrent };
}

const paths: PathClients[] = [];
for (const url of urls) paths.push(await open(url));
process.stdout.write('ready\n');

async function sequential(path: PathClients, calls: number): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await echo(path.sequential.client);
    lat.push(performance.now() - t0);
  }
  return lat;
}

async function load(path: PathClients, ms: number): Promise<string> {
  process.stdout.write('started\n');
  let calls = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + ms;
  await Promise.all(
    path.concurrent.map(async (c) => {
      while (performance.now() < until) {
        await echo(c.client);
        calls++;
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return `load ${calls} ${wallMs} ${(cpu.user + cpu.system) / 1000}`;
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, which, n] = line.split(' ');
  const path = paths[Number(which)];
  if (command === 'seq' && path !== undefined)
    process.stdout.write(`seq ${JSON.stringify(await sequential(path, Number(n)))}\n`);
  else if (command === 'load' && path !== undefined) process.stdout.write(`${await load(path, Number(n))}\n`);
  else if (command === 'quit') break;
}
await Promise.all(paths.flatMap((p) => [p.sequential, ...p.concurrent]).map(closeClient));
process.exit(0);
