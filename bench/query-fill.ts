// What the query-scale benchmark writes, the same rows for either store: 30 days of traffic for
// a large fleet, filled the way the tiers hold it: '1m' for the last 48 h, '1h' for 30 days,
// '1d' per day, rows counted in a coarser tier marked rolled, each bucket with its server-total
// row beside its endpoints' (SERVER_TOTAL: drawn from a pool of ten times the requests, rather
// than the exact merge of that bucket's endpoint rows). Sketch bytes are real (sketch-codec.ts).
// Beside them, `usage_rollups`: every hour of the hour tier, every server, three clients.
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  emptyTraffic,
  floorTo,
  type Traffic,
  type TrafficCounters,
} from '../src/metrics/aggregate/bucket.js';
import { encodeSketch } from '../src/metrics/sketch/sketch-codec.js';
import { lognormal, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { SERVER_TOTAL, type Resolution } from '../src/store/rollups-repo.js';

/** A pooled bucket: what a row of the fill copies. */
export type Encoded = TrafficCounters & { sketch: Buffer };

export type EmitRow = (
  serverId: string,
  endpoint: string,
  resolution: Resolution,
  start: number,
  /** Index in `FillPlan.pool`. */
  poolIndex: number,
  rolled: boolean,
) => void;

/** Buckets written together (one SQLite transaction, a few PostgreSQL statements). */
export interface FillBatch {
  starts: number[];
  step: 'd' | 'h' | 'm';
}

/** A `usage_rollups` row: one server's requests in an hour from one client. */
export type EmitUsage = (
  serverId: string,
  client: UsageClient,
  counts: { count: number; errors: number; toolErrors: number },
) => void;

export interface UsageClient {
  name: string;
  version: string;
  protocol: string;
}

export interface FillPlan {
  /** Every pooled bucket (a few hundred); each row copies one. */
  pool: Encoded[];
  batches: FillBatch[];
  rows: { minute: number; hour: number; day: number; usage: number };
  /** The hours of the usage rows: every hour the hour tier holds. */
  usageHours: number[];
  /** Calls `emit` for each usage row of one hour: every server, three clients. */
  eachUsage(hour: number, emit: EmitUsage): void;
  /**
   * Calls `emit` for each row of a batch: in time order, all servers per bucket, as the
   * aggregator and the roll-up would. Batches must be passed in order (the pick of pooled
   * buckets runs on from one to the next), so that every store gets the same rows.
   */
  eachRow(batch: FillBatch, emit: EmitRow): void;
}

/** The clients of the usage rows: three, as a fleet's traffic has a few. */
const USAGE_CLIENTS: UsageClient[] = [
  { name: 'cursor', version: '1.2', protocol: '2025-06-18' },
  { name: 'claude-desktop', version: '0.9', protocol: '2026-07-28' },
  { name: 'vscode', version: '1.101', protocol: '2025-11-25' },
];

/** A pool of real buckets: `samples` lognormal latencies each, about 2% errors. */
function pool(rnd: () => number, size: number, samples: () => number): Encoded[] {
  return Array.from({ length: size }, () => {
    const t: Traffic = emptyTraffic();
    const n = Math.max(1, Math.round(samples()));
    const median = 10 + rnd() * 90;
    for (let i = 0; i < n; i++) {
      const ms = lognormal(rnd, median, 0.6);
      t.count++;
      const r = rnd();
      if (r < 0.015) t.errors++;
      else if (r < 0.02) t.toolErrors++;
      if (r < 0.002) t.timeouts++;
      t.sumMs += ms;
      t.minMs = Math.min(t.minMs, ms);
      t.maxMs = Math.max(t.maxMs, ms);
      t.sketch.accept(ms);
    }
    return {
      count: t.count,
      errors: t.errors,
      toolErrors: t.toolErrors,
      timeouts: t.timeouts,
      sumMs: t.sumMs,
      minMs: t.minMs,
      maxMs: t.maxMs,
      sketch: encodeSketch(t.sketch),
    };
  });
}

export function fillPlan(now: number, servers: number, perServer: number, minuteServers: number): FillPlan {
  const hourNow = floorTo(now, HOUR_MS);
  const dayNow = floorTo(now, DAY_MS);
  const rnd = seededRandom(7);
  // ~1 request/s per endpoint on average, spread widely; pooled in this order (the seeded draws).
  const pools = [
    pool(rnd, 256, () => lognormal(rnd, 40, 0.8)), // minute
    pool(rnd, 256, () => lognormal(rnd, 2400, 0.8)), // hour
    pool(rnd, 64, () => lognormal(rnd, 57_600, 0.8)), // day
    pool(rnd, 64, () => lognormal(rnd, 400, 0.8)), // minute, server total
    pool(rnd, 64, () => lognormal(rnd, 24_000, 0.8)), // hour, server total
    pool(rnd, 16, () => lognormal(rnd, 576_000, 0.8)), // day, server total
  ];
  const offsets = pools.map((_, i) => pools.slice(0, i).reduce((n, p) => n + p.length, 0));
  const ids = Array.from({ length: servers }, (_, i) => `server-${String(i).padStart(4, '0')}`);
  const eps = [...Array.from({ length: perServer }, (_, i) => `tools/call:tool-${i}`), SERVER_TOTAL];

  const batches: FillBatch[] = [];
  const days = Array.from({ length: 30 }, (_, i) => dayNow - (30 - i) * DAY_MS);
  batches.push({ starts: days, step: 'd' });
  const hourStarts: number[] = [];
  for (let t = floorTo(now - 30 * DAY_MS, HOUR_MS); t <= hourNow; t += HOUR_MS) hourStarts.push(t);
  for (let i = 0; i < hourStarts.length; i += 12)
    batches.push({ starts: hourStarts.slice(i, i + 12), step: 'h' });
  const minuteStarts: number[] = [];
  const minuteNow = floorTo(now, MINUTE_MS);
  for (let t = floorTo(now - 48 * HOUR_MS, MINUTE_MS); t <= minuteNow; t += MINUTE_MS) minuteStarts.push(t);
  for (let i = 0; i < minuteStarts.length; i += 120)
    batches.push({ starts: minuteStarts.slice(i, i + 120), step: 'm' });

  let pick = 0;
  const choose = (p: number): number => {
    const size = pools[p]?.length ?? 1;
    return (offsets[p] ?? 0) + ((pick = (pick * 1103515245 + 12345) % 2147483648) % size);
  };
  return {
    pool: pools.flat(),
    batches,
    rows: {
      minute: minuteStarts.length * minuteServers * eps.length,
      hour: hourStarts.length * servers * eps.length,
      day: days.length * servers * eps.length,
      usage: hourStarts.length * servers * USAGE_CLIENTS.length,
    },
    usageHours: hourStarts,
    eachUsage(hour, emit) {
      const h = Math.floor(hour / HOUR_MS);
      for (let s = 0; s < servers; s++)
        USAGE_CLIENTS.forEach((client, c) => {
          const count = 500 + ((s * 7 + h * 13 + c * 29) % 1000);
          emit(ids[s] as string, client, {
            count,
            errors: Math.floor(count / 100),
            toolErrors: Math.floor(count / 200),
          });
        });
    },
    eachRow({ starts, step }, emit) {
      const n = step === 'm' ? minuteServers : servers;
      for (const start of starts)
        for (let s = 0; s < n; s++)
          for (const ep of eps) {
            const id = ids[s] as string;
            const total = ep === SERVER_TOTAL ? 3 : 0;
            if (step === 'd') emit(id, ep, '1d', start, choose(2 + total), false);
            else if (step === 'h') emit(id, ep, '1h', start, choose(1 + total), start < dayNow);
            else emit(id, ep, '1m', start, choose(0 + total), start < hourNow);
          }
    },
  };
}
