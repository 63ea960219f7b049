import type { ServerRecord } from '../model/server.js';
import { requestTotals, type MetricsRetention } from '../metrics/index.js';
import { emptySums, checkRollupsRepo } from '../store/check-rollups-repo.js';
import { latestChecksPerServer, type Heartbeat } from '../store/checks-repo.js';
import type { Db } from '../store/tables.js';
import { uptimeSince, uptimePercent } from './read.js';
import { burnPairFor, burnRate, errorBudget, BURN_PAIRS } from './slo.js';
import { windowMs } from './windows.js';

const DAY = 86_400_000;

export interface UptimeDeps {
  db: () => Db;
  retention: MetricsRetention;
  servers: () => readonly ServerRecord[];
  /** The server, or the registry's not-found error. */
  server: (id: string) => ServerRecord;
}

/** One window of a server's uptime (checks) and request success (traffic). */
export interface WindowUptime {
  window: string;
  from: number;
  to: number;
  uptimePercent: number | null;
  upSeconds: number;
  downSeconds: number;
  checks: number;
  failedChecks: number;
  /** Requests through the gateway or reported, and the share that succeeded; null without traffic. */
  requests: number;
  requestSuccessPercent: number | null;
}

export interface SloStatus {
  target: number;
  window: string;
  uptimePercent: number | null;
  errorBudgetRemainingPercent: number | null;
  errorBudgetRemainingSeconds: number | null;
  /** The fast pair's burn rate (1 h and 5 min, the lower of the two). */
  burnRate: number | null;
}

export interface ServerUptime {
  serverId: string;
  windows: WindowUptime[];
  slo: SloStatus | null;
}

/** One day of a status page's bars. */
export interface DailyUptime {
  day: number;
  uptimePercent: number | null;
}

const round = (v: number | null, digits = 4): number | null =>
  v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits;

/** A list answer is asked for every few seconds by every dashboard: its figures are kept this long. */
const FLEET_CACHE_MS = 15_000;

/**
 * Uptime from checks (time-weighted, checker/uptime-span.ts says what counts as up), request
 * success from traffic, SLO error budgets and burn rates, heartbeats and daily bars.
 */
export class UptimeService {
  private fleetCache = new Map<
    string,
    { at: number; value: Promise<Map<string, Record<string, number | null>>> }
  >();

  constructor(private readonly deps: UptimeDeps) {}

  private get keep() {
    return { retentionDays: this.deps.retention.metricsRetentionDays };
  }

  /** A server's uptime over each window (each at most 400 days; windows.ts). */
  async forServer(id: string, windows: readonly string[], now = Date.now()): Promise<ServerUptime> {
    const server = this.deps.server(id);
    const db = this.deps.db();
    const out: WindowUptime[] = [];
    for (const window of windows) {
      const from = now - (windowMs(window) ?? DAY);
      const [sums, traffic] = await Promise.all([
        uptimeSince(db, from, now, [id], this.keep),
        requestTotals(db, { from, to: now, serverId: id, now }, this.deps.retention),
      ]);
      const s = sums.get(id) ?? emptySums();
      const t = traffic.get(id);
      out.push({
        window,
        from,
        to: now,
        uptimePercent: round(uptimePercent(s)),
        upSeconds: Math.round(s.upMs / 1000),
        downSeconds: Math.round(s.downMs / 1000),
        checks: Math.round(s.checks),
        failedChecks: Math.round(s.failedChecks),
        requests: t?.requests ?? 0,
        requestSuccessPercent:
          t && t.requests > 0 ? round(((t.requests - t.errors) / t.requests) * 100) : null,
      });
    }
    return { serverId: id, windows: out, slo: await this.sloOf(server, now) };
  }

  private async sloOf(server: ServerRecord, now: number): Promise<SloStatus | null> {
    const slo = server.overrides.slo;
    if (!slo) return null;
    const db = this.deps.db();
    const fast = burnPairFor(BURN_PAIRS[0].from);
    const [over, long, short] = await Promise.all([
      uptimeSince(db, now - (windowMs(slo.window) ?? 30 * DAY), now, [server.id], this.keep),
      uptimeSince(db, now - fast.longMs, now, [server.id], this.keep),
      uptimeSince(db, now - fast.shortMs, now, [server.id], this.keep),
    ]);
    const budget = errorBudget(slo, over.get(server.id));
    const l = burnRate(slo, long.get(server.id));
    const s = burnRate(slo, short.get(server.id));
    return {
      target: slo.target,
      window: slo.window,
      uptimePercent: round(uptimePercent(over.get(server.id))),
      errorBudgetRemainingPercent: round(budget.remainingPercent, 2),
      errorBudgetRemainingSeconds: round(budget.remainingSeconds, 0),
      burnRate: l === null || s === null ? null : round(Math.min(l, s), 2),
    };
  }

  /** Some servers' uptime percent over one window (a status page's, a badge's): only their rows are read. */
  async percentFor(
    ids: readonly string[],
    window: string,
    now = Date.now(),
  ): Promise<Map<string, number | null>> {
    const sums = await uptimeSince(this.deps.db(), now - (windowMs(window) ?? DAY), now, ids, this.keep);
    return new Map(ids.map((id) => [id, round(uptimePercent(sums.get(id)))]));
  }

  /**
   * Every server's uptime percent per window, for the list and the cards: one grouped read per
   * tier and window for the whole fleet, kept 15 s.
   */
  fleet(windows: readonly string[], now = Date.now()): Promise<Map<string, Record<string, number | null>>> {
    const key = windows.join(',');
    const hit = this.fleetCache.get(key);
    if (hit && now - hit.at < FLEET_CACHE_MS) return hit.value;
    const value = this.readFleet(windows, now);
    this.fleetCache.set(key, { at: now, value });
    value.catch(() => this.fleetCache.delete(key));
    return value;
  }

  private async readFleet(windows: readonly string[], now: number) {
    const out = new Map<string, Record<string, number | null>>();
    for (const s of this.deps.servers()) out.set(s.id, {});
    for (const window of windows) {
      const sums = await uptimeSince(this.deps.db(), now - (windowMs(window) ?? DAY), now, null, this.keep);
      for (const [id, figures] of out) figures[window] = round(uptimePercent(sums.get(id)));
    }
    return out;
  }

  /**
   * The latest `limit` checks of each server (newest first), from checks no older than `limit`
   * times the longest interval twice over.
   */
  async heartbeats(
    serverIds: readonly string[] | null,
    limit: number,
    defaultIntervalS: number,
    now = Date.now(),
  ): Promise<Map<string, Heartbeat[]>> {
    const servers = this.deps.servers().filter((s) => !serverIds || serverIds.includes(s.id));
    const longest = Math.max(defaultIntervalS, ...servers.map((s) => s.overrides.health_check_interval ?? 0));
    const since = now - Math.min(2 * limit * longest * 1000, 7 * DAY);
    const rows = await latestChecksPerServer(this.deps.db(), since, limit, serverIds);
    const out = new Map<string, Heartbeat[]>();
    for (const s of servers) out.set(s.id, []);
    for (const r of rows) out.get(r.serverId)?.push(r);
    return out;
  }

  /** The last `days` days (UTC) of each server's uptime, oldest first; days with no check are null. */
  async daily(
    serverIds: readonly string[],
    days: number,
    now = Date.now(),
  ): Promise<Map<string, DailyUptime[]>> {
    const today = Math.floor(now / DAY) * DAY;
    const first = today - (days - 1) * DAY;
    const rows = await checkRollupsRepo.rows(this.deps.db(), '1d', first, today + DAY, serverIds);
    const out = new Map<string, DailyUptime[]>();
    for (const id of serverIds) {
      const byDay = new Map(rows.filter((r) => r.serverId === id).map((r) => [r.bucketStart, r]));
      const bars: DailyUptime[] = [];
      for (let day = first; day <= today; day += DAY)
        bars.push({ day, uptimePercent: round(uptimePercent(byDay.get(day)), 3) });
      out.set(id, bars);
    }
    return out;
  }
}
