/**
 * `BENCH_ONLY=crash`: `mcp-health serve` under ingest and gateway load for BENCH_SECONDS (25),
 * then kill -9, a restart, and a count of what was kept: ingest events acknowledged (202) against
 * those stored, gateway calls answered against those stored, and how much of the gateway's last
 * moments the crash took (the events after the newest stored one, in seconds of traffic).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../test/fixtures/gateway/gateway-harness.js';
import { startModernServer } from '../test/fixtures/sdk-servers/modern-http-server.js';

export interface CrashResult {
  seconds: number;
  ingestSent: number;
  ingestAcknowledged: number;
  ingestStored: number;
  gatewayAnswered: number;
  gatewayStored: number;
  /** Gateway calls answered but not stored, as seconds of the load's call rate. */
  gatewayLossS: number;
}

const cli = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function until(what: string, fn: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`crash bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function crashLoss(seconds: number): Promise<CrashResult> {
  const upstream = await startModernServer();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-bench-crash-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      `port: ${port}`,
      `data_dir: ${join(dir, 'data')}`,
      'log_level: warn',
      'servers:',
      '  - { name: reported, transport: streamable-http, url: "http://127.0.0.1:9/mcp", health_check_interval: 3600 }',
      `  - { name: proxied, transport: streamable-http, url: "${upstream.url}", health_check_interval: 3600 }`,
    ].join('\n'),
  );
  const start = async (): Promise<ChildProcess> => {
    const proc = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--config', file], {
      stdio: 'ignore',
    });
    await until('the monitor', async () => (await fetch(`${base}/readyz`)).ok, 30_000);
    return proc;
  };
  const stored = async (server: string): Promise<number> => {
    const now = Date.now();
    const res = await fetch(
      `${base}/api/v1/servers/${server}/endpoints?from=${now - 3_600_000}&to=${now + 60_000}`,
    );
    const body = (await res.json()) as { endpoints: { endpoint: string; requests: number }[] };
    return body.endpoints.find((e) => e.endpoint === 'tools/call:echo')?.requests ?? 0;
  };

  const first = await start();
  let running = true;
  let sent = 0;
  let acknowledged = 0;
  const ingest = async () => {
    while (running) {
      const events = Array.from({ length: 100 }, (_, i) => ({
        server: 'reported',
        method: 'tools/call',
        endpoint: 'tools/call:echo',
        started_at: Date.now() - i,
        latency_ms: 3 + (i % 9),
        outcome: 'ok',
      }));
      sent += events.length;
      const res = await fetch(`${base}/api/v1/ingest/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      }).catch(() => undefined);
      if (res?.status === 202) acknowledged += events.length;
    }
  };
  let answered = 0;
  const gateway = async () => {
    const c = await connect(`${base}/mcp/proxied`);
    while (running) {
      try {
        await c.client.callTool({ name: 'echo', arguments: { text: 'x' } });
        answered++;
      } catch {
        return;
      }
    }
  };
  const load = [ingest(), ingest(), gateway(), gateway(), gateway(), gateway()];
  const loadStart = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const exited = new Promise((r) => first.once('exit', r));
  first.kill('SIGKILL');
  await exited;
  const loadS = (Date.now() - loadStart) / 1000;
  running = false;
  await Promise.allSettled(load);

  const second = await start();
  try {
    await until('the replay flushed', async () => (await stored('reported')) >= acknowledged, 20_000).catch(
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 12_000)); // one more collection interval, for the gateway's rows
    const ingestStored = await stored('reported');
    const gatewayStored = await stored('proxied');
    return {
      seconds,
      ingestSent: sent,
      ingestAcknowledged: acknowledged,
      ingestStored,
      gatewayAnswered: answered,
      gatewayStored,
      gatewayLossS: Math.round((Math.max(0, answered - gatewayStored) / (answered / loadS)) * 100) / 100,
    };
  } finally {
    const done = new Promise((r) => second.once('exit', r));
    second.kill('SIGTERM');
    await done;
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
