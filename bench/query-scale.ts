// series() and endpoints() over a SQLite store holding 30 days of traffic for a large fleet,
// filled the way the tiers hold it: '1m' for the last 48 h, '1h' for 30 days, '1d' per day,
// rows counted in a coarser tier marked rolled, each bucket with its server-total row beside its
// endpoints' (SERVER_TOTAL: drawn from a pool of ten times the requests, rather than the exact
// merge of that bucket's endpoint rows). Sketch bytes are real (sketch-codec.ts).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { DAY_MS, HOUR_MS, MINUTE_MS, emptyTraffic, floorTo, type Traffic } from '../src/metrics/bucket.js';
import { endpoints, series } from '../src/metrics/queries.js';
import { encodeSketch } from '../src/metrics/sketch-codec.js';
import { lognormal, seededRandom } from '../src/metrics/synthetic-traffic.js';
import { defaultRetention, planRange, planSeries, type Plan } from '../src/metrics/tiers.js';
import { readRows } from '../src/metrics/traffic-read.js';
import { openStore } from '../src/store/open-store.js';
import { SERVER_TOTAL } from '../src/store/rollups-repo.js';

export interface QueryScaleOptions {
  /** Servers with 30 days of '1h' and '1d' rows (default 1,000). */
  servers?: number;
  endpointsPerServer?: number;
  /** Of those, how many also hold '1m' rows for the last 48 h (default 100; the queried one always does). */
  minuteServers?: number;
  repetitions?: number;
  /**
   * Keep the filled store in this folder and reuse it on the next run with the same sizes
   * (BENCH_QUERY_DIR): the fill takes minutes, the queries seconds. Default: a temporary folder.
   */
  dir?: string | undefined;
}

export interface QueryTiming {
  name: string;
  /** Points of the series, or endpoints of the table. */
  resultSize: number;
  /** The tier the query read and the rows it read from the store. */
  resolution: string;
  rowsRead: number;
  /** p50 of the store read alone (the same rollupsRepo.range call), the rest is decoding and merging. */
  readP50Ms: number;
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface QueryScaleResult {
  servers: number;
  endpointsPerServer: number;
  minuteServers: number;
  rows: { minute: number; hour: number; day: number };
  fillS: number;
  dbMb: number;
  walMb: number;
  repetitions: number;
  queries: QueryTiming[];
}

interface Encoded {
  count: number;
  errors: number;
  toolErrors: number;
  timeouts: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
  sketch: Buffer;
}

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

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
const round1 = (n: number): number => Math.round(n * 10) / 10;
const mb = (file: string): number => (existsSync(file) ? Math.round(statSync(file).size / 2 ** 20) : 0);

export async function queryScale(options: QueryScaleOptions = {}): Promise<QueryScaleResult> {
  const servers = options.servers ?? 1000;
  const perServer = options.endpointsPerServer ?? 10;
  const minuteServers = Math.min(servers, Math.max(1, options.minuteServers ?? 100));
  const repetitions = options.repetitions ?? 100; // enough for a p99 that is not just the slowest
  const keep = options.dir ?? process.env.BENCH_QUERY_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'mcp-health-bench-query-'));
  if (keep) mkdirSync(keep, { recursive: true });
  // `fill` changes when what the fill writes does (3: server-total rows and their indexes), so an old store is not reused
  const sizes = { servers, perServer, minuteServers, fill: 3 };
  const marker = join(dir, 'bench-fill.json');
  const reused = existsSync(marker)
    ? (JSON.parse(readFileSync(marker, 'utf8')) as typeof sizes & {
        now: number;
        rows: QueryScaleResult['rows'];
        fillS: number;
      })
    : undefined;
  const reuse =
    reused?.servers === servers &&
    reused.perServer === perServer &&
    reused.minuteServers === minuteServers &&
    reused.fill === sizes.fill
      ? reused
      : undefined;
  try {
    if (reuse) return await measure(dir, reuse.now, sizes, reuse.rows, reuse.fillS, repetitions);
    // Migrations run here; the fill then goes straight through better-sqlite3 (one prepared
    // insert, big transactions), which is far faster than Kysely's per-chunk statements.
    const first = await openStore({ dataDir: dir });
    const file = first.location;
    await first.close();

    const now = Date.now();
    const hourNow = floorTo(now, HOUR_MS);
    const dayNow = floorTo(now, DAY_MS);
    const rnd = seededRandom(7);
    // ~1 request/s per endpoint on average, spread widely.
    const minutePool = pool(rnd, 256, () => lognormal(rnd, 40, 0.8));
    const hourPool = pool(rnd, 256, () => lognormal(rnd, 2400, 0.8));
    const dayPool = pool(rnd, 64, () => lognormal(rnd, 57_600, 0.8));
    const totalPools = {
      m: pool(rnd, 64, () => lognormal(rnd, 400, 0.8)),
      h: pool(rnd, 64, () => lognormal(rnd, 24_000, 0.8)),
      d: pool(rnd, 16, () => lognormal(rnd, 576_000, 0.8)),
    };
    const ids = Array.from({ length: servers }, (_, i) => `server-${String(i).padStart(4, '0')}`);
    const eps = Array.from({ length: perServer }, (_, i) => `tools/call:tool-${i}`);

    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('cache_size = -1048576');
    const insert = sqlite.prepare(
      `insert into request_rollups (server_id, endpoint, resolution, bucket_start, count, errors, tool_errors,
         timeouts, sum_ms, min_ms, max_ms, sketch, rolled) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const rows = { minute: 0, hour: 0, day: 0 };
    let pick = 0;
    const add = (id: string, ep: string, res: string, start: number, p: Encoded[], rolled: boolean) => {
      const e = p[(pick = (pick * 1103515245 + 12345) % 2147483648) % p.length] as Encoded;
      insert.run(
        id,
        ep,
        res,
        start,
        e.count,
        e.errors,
        e.toolErrors,
        e.timeouts,
        e.sumMs,
        e.minMs,
        e.maxMs,
        e.sketch,
        rolled ? 1 : 0,
      );
    };
    // Written in time order, all servers per bucket, as the aggregator and the roll-up would.
    const fillBuckets = sqlite.transaction((starts: number[], step: 'd' | 'h' | 'm') => {
      for (const start of starts) {
        const n = step === 'm' ? minuteServers : servers;
        for (let s = 0; s < n; s++)
          for (const ep of [...eps, SERVER_TOTAL]) {
            const id = ids[s] as string;
            const total = ep === SERVER_TOTAL;
            if (step === 'd') add(id, ep, '1d', start, total ? totalPools.d : dayPool, false);
            else if (step === 'h') add(id, ep, '1h', start, total ? totalPools.h : hourPool, start < dayNow);
            else add(id, ep, '1m', start, total ? totalPools.m : minutePool, start < hourNow);
          }
      }
    });
    const t0 = performance.now();
    const days = Array.from({ length: 30 }, (_, i) => dayNow - (30 - i) * DAY_MS);
    fillBuckets(days, 'd');
    rows.day = days.length * servers * (perServer + 1);
    const hourStarts: number[] = [];
    for (let t = floorTo(now - 30 * DAY_MS, HOUR_MS); t <= hourNow; t += HOUR_MS) hourStarts.push(t);
    for (let i = 0; i < hourStarts.length; i += 12) fillBuckets(hourStarts.slice(i, i + 12), 'h');
    rows.hour = hourStarts.length * servers * (perServer + 1);
    const minuteStarts: number[] = [];
    const minuteNow = floorTo(now, MINUTE_MS);
    for (let t = floorTo(now - 48 * HOUR_MS, MINUTE_MS); t <= minuteNow; t += MINUTE_MS) minuteStarts.push(t);
    for (let i = 0; i < minuteStarts.length; i += 120) fillBuckets(minuteStarts.slice(i, i + 120), 'm');
    rows.minute = minuteStarts.length * minuteServers * (perServer + 1);
    sqlite.close();
    const fillS = round1((performance.now() - t0) / 1000);

    if (keep) writeFileSync(marker, JSON.stringify({ ...sizes, now, rows, fillS }));
    return await measure(dir, now, sizes, rows, fillS, repetitions);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(
  dir: string,
  now: number,
  sizes: { servers: number; perServer: number; minuteServers: number },
  rows: QueryScaleResult['rows'],
  fillS: number,
  repetitions: number,
): Promise<QueryScaleResult> {
  const { servers, perServer, minuteServers } = sizes;
  const store = await openStore({ dataDir: dir });
  const queries: QueryTiming[] = [];
  try {
    const serverId = 'server-0000';
    const db = store.db;
    const time = async (
      name: string,
      run: () => Promise<number>,
      [plan, until, endpoint]: [Plan, number, string | undefined],
    ) => {
      const ms: number[] = [];
      const readMs: number[] = [];
      let resultSize = 0;
      let rowsRead = 0;
      let firstMs = 0;
      for (let i = 0; i <= repetitions; i++) {
        const q0 = performance.now();
        resultSize = await run();
        const q = performance.now() - q0;
        if (i === 0) firstMs = q;
        else ms.push(q);
        const r0 = performance.now();
        rowsRead = (await readRows(db, plan, plan.start, until, { serverId, endpoint })).length;
        readMs.push(performance.now() - r0);
      }
      ms.sort((a, b) => a - b);
      readMs.sort((a, b) => a - b);
      queries.push({
        name,
        resultSize,
        resolution: plan.tier.resolution,
        rowsRead,
        readP50Ms: round1(quantile(readMs, 0.5)),
        firstMs: round1(firstMs),
        p50Ms: round1(quantile(ms, 0.5)),
        p99Ms: round1(quantile(ms, 0.99)),
      });
    };
    const pointsOf = async (fromMs: number) => {
      const r = await series(db, {
        serverId,
        metric: 'latency_p99',
        from: now - fromMs,
        to: now,
        maxPoints: 1000,
        now,
      });
      if (r.points.filter((p) => p.v !== null).length === 0) throw new Error('series came back empty');
      return r.points.length;
    };
    const endpointsOf = async (fromMs: number) => {
      const r = await endpoints(db, { serverId, from: now - fromMs, to: now, now });
      if (r.length !== perServer) throw new Error(`endpoints: ${r.length} rows, expected ${perServer}`);
      return r.reduce((n, e) => n + e.requests, 0) > 0 ? r.length : 0;
    };
    // What series() and endpoints() read, to split store time from decoding time.
    const seriesPlan = (fromMs: number): [Plan, number, string] => {
      const p = planSeries({ from: now - fromMs, to: now, maxPoints: 1000, now }, defaultRetention);
      return [p, Math.min(p.end, Math.ceil((now + 1) / p.tier.ms) * p.tier.ms), SERVER_TOTAL];
    };
    const rangePlan = (fromMs: number): [Plan, number, undefined] => {
      const p = planRange({ from: now - fromMs, to: now, now }, defaultRetention);
      return [p, p.end, undefined];
    };
    await time('series latency_p99, 30 d', () => pointsOf(30 * DAY_MS), seriesPlan(30 * DAY_MS));
    // A day less: the hour tier still holds the start, so the series comes at hourly steps.
    await time('series latency_p99, 29 d', () => pointsOf(29 * DAY_MS), seriesPlan(29 * DAY_MS));
    await time('endpoints, 30 d', () => endpointsOf(30 * DAY_MS), rangePlan(30 * DAY_MS));
    await time('series latency_p99, 24 h', () => pointsOf(DAY_MS), seriesPlan(DAY_MS));
    await time('endpoints, 24 h', () => endpointsOf(DAY_MS), rangePlan(DAY_MS));
    return {
      servers,
      endpointsPerServer: perServer,
      minuteServers,
      rows,
      fillS,
      dbMb: mb(join(dir, 'mcp-health.db')),
      walMb: mb(join(dir, 'mcp-health.db-wal')),
      repetitions,
      queries,
    };
  } finally {
    await store.close();
  }
}
