import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { buildApi } from '../src/api/app.js';
import type { ProbeResult, ServerSession } from '../src/model/probe.js';
import { configSchema } from '../src/config/schema.js';
import { LIVE_LIMITS } from '../src/api/live/live-client.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';
import { rawWebSocket } from '../test/helpers/raw-websocket.js';

export interface SlowDashboardsResult {
  servers: number;
  viewKb: number;
  dashboards: number;
  seconds: number;
  limits: boolean;
  rssStartMb: number;
  /** Highest in the first 10 s (the dashboards connecting: a snapshot built for each). */
  rssFirst10sMb: number;
  rssMaxMb: number;
  rssEndMb: number;
  /** Bytes the monitor held for one never-reading dashboard, at most. */
  bufferedMaxMb: number;
  dropped: number;
  /** Messages the one reading dashboard got, and how old its newest check was at the end. */
  readerMessages: number;
  readerLagMs: number;
}

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

/**
 * A fleet checked every second (sessions answering at once, with `viewKb` of capabilities each,
 * a tenth of the checks failing so statuses change), ten dashboards that connect and never read
 * (raw TCP, paused), one that reads; the process's RSS sampled every 100 ms for `seconds`.
 * `limits: false` lifts the live hub's backpressure limits, as the code was before them.
 */
export async function slowDashboards(options: {
  servers: number;
  viewKb: number;
  dashboards: number;
  seconds: number;
  limits: boolean;
}): Promise<SlowDashboardsResult> {
  const { servers, viewKb, dashboards, seconds, limits } = options;
  const capabilities = { experimental: { declared: 'c'.repeat(viewKb * 1024) } };
  let checks = 0;
  const session = (): ServerSession => ({
    check: (): Promise<ProbeResult> =>
      Promise.resolve(
        ++checks % 10 === 0
          ? { ok: false, kind: 'http_error', reason: 'HTTP 503', elapsedMs: 1 }
          : {
              ok: true,
              latencyMs: 1 + (checks % 7),
              method: 'ping',
              era: 'legacy',
              protocolVersion: '2025-06-18',
              serverInfo: { name: 'bench', version: '1' },
              capabilities,
              toolCount: 3,
              connected: false,
              connectMs: undefined,
            },
      ),
    recentLogs: () => [],
    pid: () => undefined,
    close: () => Promise.resolve(),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-health-slow-dashboards-'));
  const config = configSchema.parse({
    data_dir: dataDir,
    health_check_interval: 1,
    health_check_retries: 1,
    log_level: 'warn',
    servers: Array.from({ length: servers }, (_, i) => ({
      name: `s${i}`,
      transport: 'streamable-http',
      url: `http://127.0.0.1:9/s/${i}/mcp`,
    })),
  });
  let dropped = 0;
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      if (chunk.toString().includes('fell too far behind')) dropped++;
      done();
    },
  });
  const monitor = await startMonitor({ config, log: createLogger('warn', sink), openSession: session });
  const unlimited = { softBytes: Infinity, hardBytes: Infinity, maxLagMs: Infinity };
  const { app } = await buildApi(monitor, { liveLimits: limits ? LIVE_LIMITS : unlimited });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => setTimeout(r, 3_000)); // the fleet's first rounds
  const rssStart = process.memoryUsage.rss();

  const reader = new WebSocket(`${url.replace('http', 'ws')}/api/v1/live`);
  let readerMessages = 0;
  let newestCheck = 0;
  reader.on('message', (data: Buffer) => {
    readerMessages++;
    const m = JSON.parse(data.toString()) as { servers?: { last_check: string | null }[] };
    for (const s of m.servers ?? []) newestCheck = Math.max(newestCheck, Date.parse(s.last_check ?? '') || 0);
  });
  const stalled = await Promise.all(Array.from({ length: dashboards }, () => rawWebSocket(url)));
  for (const s of stalled) s.pause();

  let rssMax = rssStart;
  let rssFirst10s = rssStart;
  let bufferedMax = 0;
  const started = Date.now();
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    rssMax = Math.max(rssMax, rss);
    if (Date.now() - started <= 10_000) rssFirst10s = Math.max(rssFirst10s, rss);
    for (const ws of app.websocketServer.clients) bufferedMax = Math.max(bufferedMax, ws.bufferedAmount);
  }, 100);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(sampler);
  const result: SlowDashboardsResult = {
    servers,
    viewKb,
    dashboards,
    seconds,
    limits,
    rssStartMb: mb(rssStart),
    rssFirst10sMb: mb(rssFirst10s),
    rssMaxMb: mb(rssMax),
    rssEndMb: mb(process.memoryUsage.rss()),
    bufferedMaxMb: Math.round((bufferedMax / 2 ** 20) * 10) / 10,
    dropped,
    readerMessages,
    readerLagMs: Date.now() - newestCheck,
  };
  for (const s of stalled) s.socket.destroy();
  reader.close();
  await app.close();
  await monitor.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return result;
}
