import type { Logger } from 'pino';
import type { ServerRecord } from '../../model/server.js';
import type { Store } from '../../store/open-store.js';
import { readProcess, scrapeProcess, type ProcessSample } from './process-stats.js';
import { memberOf } from '../../mcp/transports/index.js';
import { gaugesRepo, type GaugeSample } from './gauges-repo.js';

export interface GaugeDeps {
  store: Store;
  servers: () => ServerRecord[];
  /** The stdio child's pid while it runs. */
  pidOf: (serverId: string) => number | undefined;
  activeConnections: (serverId: string) => number;
  intervalMs: number;
  log: Logger;
}

/**
 * Samples the gauges of DESIGN §3 into `server_metrics` every interval: active connections for
 * every server; CPU (% of one core) and memory (bytes) from /proc for stdio children, or from
 * the server's Prometheus endpoint when one is configured; otherwise nothing ("not available").
 */
export class GaugeSampler {
  private readonly previous = new Map<string, { at: number; cpuSeconds: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly deps: GaugeDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sample(now = Date.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const rows: GaugeSample[] = [];
      const add = (server_id: string, metric_name: string, metric_value: number) =>
        rows.push({ server_id, metric_name, metric_value, tags: null, timestamp: now });
      for (const s of this.deps.servers()) {
        add(s.id, 'active_connections', this.deps.activeConnections(s.id));
        const sample = await this.processSample(s);
        if (!sample) continue;
        add(s.id, 'memory', sample.rssBytes);
        const prev = this.previous.get(s.id);
        this.previous.set(s.id, { at: now, cpuSeconds: sample.cpuSeconds });
        if (prev && now > prev.at && sample.cpuSeconds >= prev.cpuSeconds)
          add(s.id, 'cpu', ((sample.cpuSeconds - prev.cpuSeconds) / ((now - prev.at) / 1000)) * 100);
      }
      await gaugesRepo.insertMany(this.deps.store.db, rows);
      return rows.length;
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'sampling gauges failed');
      return 0;
    } finally {
      this.running = false;
    }
  }

  private async processSample(s: ServerRecord): Promise<ProcessSample | undefined> {
    const source = memberOf(s.spec).processSource(s.spec);
    if (source?.kind === 'child') {
      const pid = this.deps.pidOf(s.id);
      return pid === undefined ? undefined : readProcess(pid);
    }
    return source === undefined ? undefined : scrapeProcess(source.url, 2000);
  }
}
