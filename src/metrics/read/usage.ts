import {
  SERVER_TOTAL,
  rollupsRepo,
  type Resolution,
  type RollupRange,
  type RollupRow,
  type RollupSums,
  type SumKey,
} from '../../store/rollups-repo.js';
import type { Db } from '../../store/tables.js';
import { usageRepo, type UsageRow } from '../../store/usage-repo.js';
import { DAY_MS, HOUR_MS, errorRatePercent, floorTo } from '../aggregate/bucket.js';
import { cachedRange } from './row-cache.js';
import { defaultRetention, keepMs, planRange, type MetricsRetention } from './tiers.js';
import { UTC, localDayStart, localTime, nextLocalDayStart, type LocalTime } from './time-zone.js';

/**
 * Usage analytics for the capacity planner (DESIGN §1): when the traffic comes, to what, from
 * which clients and protocol versions, and how it grows. Hours of the day, weekdays and days are
 * those of `time_zone` (UTC unless asked); hours and days are whole buckets, so [from, to) is
 * widened to whole hours (whole days for the daily series).
 */
export interface UsageReport {
  server_id: string | null;
  from: number;
  to: number;
  /** The IANA time zone of the hours, weekdays and days. */
  time_zone: string;
  /** Requests, errors (JSON-RPC, transport, timeout) and tool errors, from the request roll-ups. */
  requests: number;
  errors: number;
  tool_errors: number;
  /** (errors + tool errors) / requests, %; null without requests. */
  error_rate_percent: number | null;
  /**
   * Requests per hour of the day, always 24 entries, hour 0–23. Each stored (UTC) hour counts
   * under the local hour it starts in: exact in zones a whole number of hours from UTC.
   */
  by_hour_of_day: { hour: number; requests: number }[];
  /** Requests per day of the week, always 7 entries, 0 = Sunday … 6 = Saturday. */
  by_day_of_week: { day: number; requests: number }[];
  /** Busiest endpoints first (fleet-wide: per server and endpoint), at most `limit`. */
  top_endpoints: {
    server_id: string;
    endpoint: string;
    requests: number;
    errors: number;
    tool_errors: number;
    error_rate_percent: number | null;
  }[];
  /**
   * Requests by client name and version ('' when the client did not say), most first; `errors`
   * here are JSON-RPC, transport and timeout errors (usage rows do not count tool errors).
   */
  clients: { client_name: string; client_version: string; requests: number; errors: number }[];
  /** Requests by negotiated protocol version ('' when unknown), most first. */
  protocol_versions: { protocol_version: string; requests: number }[];
  /**
   * Requests per day, every day of the range (0 where there were none), oldest first; `day` is
   * the instant the day began. The days are summed from the hourly usage rows (which count tool
   * errors since migration 008); days older than those rows (`metrics_retention_days`) are the day
   * tier's UTC days, under their date.
   */
  daily: { day: number; requests: number; errors: number; tool_errors: number }[];
}

export interface UsageQuery {
  /** Absent: the whole fleet. */
  serverId?: string | undefined;
  from: number;
  to: number;
  limit?: number | undefined;
  now?: number | undefined;
  retention?: MetricsRetention | undefined;
  /** An IANA time zone (checked by the caller: `isTimeZone`); default UTC. */
  timeZone?: string | undefined;
}

/**
 * Hour-of-day, day-of-week, client and protocol figures and the daily series come from
 * `usage_rollups` (hourly, kept `metrics_retention_days`; older days from the day tier of
 * `request_rollups`, kept 400 days), read once; endpoints and the totals from `request_rollups`.
 */
export async function usage(db: Db, q: UsageQuery): Promise<UsageReport> {
  const now = q.now ?? Date.now();
  const retention = q.retention ?? defaultRetention;
  const timeZone = q.timeZone ?? UTC;
  const from = floorTo(q.from, HOUR_MS);
  const to = Math.ceil(q.to / HOUR_MS) * HOUR_MS;
  // The days reach past [from, to) (whole days of the zone): the usage rows are read over both.
  const days = localDays(from, to, timeZone);
  const span = { from: Math.min(from, floorTo(days.start, HOUR_MS)), to: Math.max(to, days.end) };
  const usageRows = await usageRepo.byHourAndClient(db, { ...span, serverId: q.serverId });

  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, requests: 0 }));
  const byDay = Array.from({ length: 7 }, (_, day) => ({ day, requests: 0 }));
  const clients = new Map<string, UsageReport['clients'][number]>();
  const protocols = new Map<string, number>();
  const clock = hourClock(timeZone);
  for (const r of usageRows) {
    if (r.bucket_start < from || r.bucket_start >= to) continue;
    const local = clock(r.bucket_start);
    const hourEntry = byHour[local.hour];
    const dayEntry = byDay[local.weekday];
    if (hourEntry) hourEntry.requests += r.count;
    if (dayEntry) dayEntry.requests += r.count;

    const key = `${r.client_name}\u0000${r.client_version}`;
    const c = clients.get(key);
    if (c) {
      c.requests += r.count;
      c.errors += r.errors;
    } else
      clients.set(key, {
        client_name: r.client_name,
        client_version: r.client_version,
        requests: r.count,
        errors: r.errors,
      });
    protocols.set(r.protocol_version, (protocols.get(r.protocol_version) ?? 0) + r.count);
  }

  const rangePlan = planRange({ from, to, now }, retention);
  const endpointRows = await sums(
    db,
    rangePlan.tier.resolution,
    rangePlan.tier.finer,
    { from: rangePlan.start, to: rangePlan.end, serverId: q.serverId },
    ['server_id', 'endpoint'],
  );
  const topEndpoints = endpointRows
    .map((r) => ({
      server_id: r.server_id,
      endpoint: r.endpoint,
      requests: r.count,
      errors: r.errors,
      tool_errors: r.tool_errors,
      error_rate_percent: errorRatePercent({ count: r.count, errors: r.errors, toolErrors: r.tool_errors }),
    }))
    .sort((a, b) => b.requests - a.requests || cmp(a.server_id, b.server_id) || cmp(a.endpoint, b.endpoint));
  const totals = { count: 0, errors: 0, toolErrors: 0 };
  for (const e of topEndpoints) {
    totals.count += e.requests;
    totals.errors += e.errors;
    totals.toolErrors += e.tool_errors;
  }

  const daily = await dailySeries(db, days, usageRows, clock, { serverId: q.serverId, now, retention });

  return {
    server_id: q.serverId ?? null,
    from,
    to,
    time_zone: timeZone,
    requests: totals.count,
    errors: totals.errors,
    tool_errors: totals.toolErrors,
    error_rate_percent: errorRatePercent(totals),
    by_hour_of_day: byHour,
    by_day_of_week: byDay,
    top_endpoints: topEndpoints.slice(0, q.limit ?? 10),
    clients: [...clients.values()].sort(
      (a, b) =>
        b.requests - a.requests ||
        cmp(a.client_name, b.client_name) ||
        cmp(a.client_version, b.client_version),
    ),
    protocol_versions: [...protocols]
      .map(([protocol_version, requests]) => ({ protocol_version, requests }))
      .sort((a, b) => b.requests - a.requests || cmp(a.protocol_version, b.protocol_version)),
    daily,
  };
}

/**
 * `localTime` of `timeZone`, remembered per instant: the usage rows come several to an hour (one
 * per client), and the hour and day figures read each hour's.
 */
function hourClock(timeZone: string): (at: number) => LocalTime {
  const seen = new Map<number, LocalTime>();
  return (at) => {
    let t = seen.get(at);
    if (t === undefined) seen.set(at, (t = localTime(at, timeZone)));
    return t;
  };
}

/** The local days of `timeZone` that [from, to) touches: their starts, oldest first, and the end of the last. */
interface LocalDays {
  starts: number[];
  start: number;
  end: number;
}

function localDays(from: number, to: number, timeZone: string): LocalDays {
  const starts: number[] = [];
  let end = from;
  for (let day = localDayStart(from, timeZone); day < to; day = end) {
    end = nextLocalDayStart(day, timeZone);
    starts.push(day);
  }
  return { starts, start: starts[0] ?? from, end };
}

/**
 * Requests per day of `timeZone`, from the hourly usage rows (read over the whole days already:
 * the roll-up tiers' days are UTC days, a fleet's hour tier is too many rows to sum per request,
 * and its day tier's server totals cost a table lookup each). Days before the first whole UTC day those rows still hold
 * (`metrics_retention_days`) are taken whole from the day tier, under the date of their UTC noon.
 */
async function dailySeries(
  db: Db,
  days: LocalDays,
  usageRows: UsageRow[],
  clock: (at: number) => LocalTime,
  q: { serverId: string | undefined; now: number; retention: MetricsRetention },
): Promise<UsageReport['daily']> {
  const out = days.starts.map((day) => ({ day, requests: 0, errors: 0, tool_errors: 0 }));
  const index = new Map(out.map((d) => [clock(d.day).date, d]));
  const add = (r: Omit<UsageRow, 'client_name' | 'client_version' | 'protocol_version'>, at: number) => {
    const d = index.get(clock(r.bucket_start + at).date);
    if (!d) return;
    d.requests += r.count;
    d.errors += r.errors;
    d.tool_errors += r.tool_errors;
  };
  // The first whole UTC day the hourly rows still hold: hours from there, whole days before it.
  // (Today's hours always: with a one-day retention, late in the day that day would be tomorrow.)
  const hoursFrom = Math.min(
    Math.ceil((q.now - keepMs('1h', q.retention) + HOUR_MS) / DAY_MS) * DAY_MS,
    floorTo(q.now, DAY_MS),
  );
  for (const r of usageRows) if (r.bucket_start >= hoursFrom && r.bucket_start >= days.start) add(r, 0);
  if (days.start < hoursFrom) {
    const range = {
      from: floorTo(days.start, DAY_MS),
      to: Math.min(hoursFrom, days.end),
      serverId: q.serverId,
      endpoint: SERVER_TOTAL,
    };
    // A day row lies under its UTC noon's date; an hour or minute not yet rolled into one, under its own.
    for (const r of await sums(db, '1d', ['1m', '1h'], range, ['bucket_start']))
      add(r, r.bucket_start % DAY_MS === 0 ? DAY_MS / 2 : 0);
  }
  return out;
}

/**
 * `rollupsRepo.sums`; for one server summed here from the rows the row cache holds (the
 * endpoint table and the series read the same rows), for the fleet summed in the store.
 */
async function sums<K extends SumKey>(
  db: Db,
  resolution: Resolution,
  finer: Resolution[],
  r: RollupRange,
  by: readonly K[],
): Promise<(Pick<RollupRow, K> & RollupSums)[]> {
  if (r.serverId === undefined) return rollupsRepo.sums(db, resolution, finer, r, by);
  const out = new Map<string, Record<string, string | number> & RollupSums>();
  for (const row of await cachedRange(db, resolution, finer, r)) {
    const key = by.map((k) => row[k]).join('\u0000');
    let s = out.get(key);
    if (!s) {
      s = { count: 0, errors: 0, tool_errors: 0 };
      for (const k of by) s[k] = row[k];
      out.set(key, s);
    }
    s.count += row.count;
    s.errors += row.errors;
    s.tool_errors += row.tool_errors;
  }
  // safe because every entry holds the `by` columns of its rows and the three sums
  return [...out.values()] as unknown as (Pick<RollupRow, K> & RollupSums)[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
