// What the gateway benchmarks share: the MCP SDK client they call through every path, the call
// they time, and how they read quantiles and a process's CPU time.
import { readdirSync, readFileSync } from 'node:fs';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/**
 * The SDK gives every fetch of a transport its one long-lived AbortSignal; Node 20's fetch adds
 * an abort listener to it per request and drops it only when the request is garbage-collected
 * (a MaxListenersExceededWarning past 1,500 calls of one client). A signal per request that
 * follows the transport's keeps the listeners on short-lived signals.
 */
const fetchWithOwnSignal: typeof fetch = (input, init) =>
  fetch(input, init?.signal ? { ...init, signal: AbortSignal.any([init.signal]) } : init);

export interface BenchClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
}

export async function connectClient(url: string): Promise<BenchClient> {
  const client = new Client({ name: 'bench-gateway', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: fetchWithOwnSignal });
  await client.connect(transport);
  return { client, transport };
}

/** Ends the session (DELETE: a stdio proxy stops its child then) and the client. */
export async function closeClient(c: BenchClient): Promise<void> {
  await c.transport.terminateSession().catch(() => undefined);
  await c.client.close();
}

/** The timed call: `tools/call echo` with a one-character message (server-everything has it too). */
export async function echo(client: Client): Promise<void> {
  const r = await client.callTool({ name: 'echo', arguments: { message: 'x' } });
  if (r.isError === true) throw new Error(`echo failed: ${JSON.stringify(r.content)}`);
}

export const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  if (sorted.length === 0) return NaN;
  return Number.isInteger(mid)
    ? ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
    : (sorted[Math.floor(mid)] ?? NaN);
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

interface ProcStat {
  ppid: number;
  cpuMs: number;
}

function statOf(pid: number | string): ProcStat | undefined {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_S };
  } catch {
    return undefined;
  }
}

/** CPU time a process has used so far, ms (Linux /proc; NaN elsewhere). */
export function processCpuMs(pid: number | undefined): number {
  return pid === undefined ? NaN : (statOf(pid)?.cpuMs ?? NaN);
}

/**
 * CPU time the live descendants of a process have used so far, ms: the stdio servers a proxy
 * spawned (through a shell or not). A child that exits meanwhile takes its time with it, so
 * this is for children that live through the measurement.
 */
export function descendantsCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const children = new Map<number, { pid: number; cpuMs: number }[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(name);
    if (stat === undefined) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push({ pid: Number(name), cpuMs: stat.cpuMs });
    children.set(stat.ppid, list);
  }
  let total = 0;
  const todo = [pid];
  for (let next = todo.pop(); next !== undefined; next = todo.pop())
    for (const child of children.get(next) ?? []) {
      total += child.cpuMs;
      todo.push(child.pid);
    }
  return total;
}
