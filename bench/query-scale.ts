// series() and endpoints() over a store holding 30 days of traffic for a large fleet (what is
// written: query-fill.ts), SQLite by default or PostgreSQL (query-scale-pg.ts), one server
// queried again and again: first, p50, p99.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { DAY_MS } from '../src/metrics/aggregate/bucket.js';
import { endpoints, series } from '../src/metrics/read/queries.js';
import { usage } from '../src/metrics/read/usage.js';
import { defaultRetention, planRange, planSeries, type Plan } from '../src/metrics/read/tiers.js';
import { readRows } from '../src/metrics/read/traffic-read.js';
import { openStore, type Store } from '../src/store/open-store.js';
import { SERVER_TOTAL } from '../src/store/rollups-repo.js';
import { fillPlan, type Encoded, type FillBatch, type FillPlan } from './query-fill.js';
import {
  dropSchema,
  fillPostgres,
  pgDisk,
  readPgMarker,
  vacuumAnalyze,
  writePgMarker,
  type PgDisk,
} from './query-scale-pg.js';

const DEFAULT_BENCH_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface QueryScaleOptions {
  /** Servers with 30 days of '1h' and '1d' rows (default 1,000). */
  servers?: number;
  endpointsPerServer?: number;
  /** Of those, how many also hold '1m' rows for the last 48 h (default 100; the queried one always does). */
  minuteServers?: number;
  repetitions?: number;
  /** Default SQLite in a folder; PostgreSQL at `databaseUrl`, in a schema of its own. */
  store?: 'sqlite' | 'postgres';
  databaseUrl?: string | undefined;
  /**
   * SQLite: keep the filled store in this folder and reuse it on the next run with the same sizes
   * (BENCH_QUERY_DIR): the fill takes minutes, the queries seconds. Default: a temporary folder.
   */
  dir?: string | undefined;
  /**
   * PostgreSQL: likewise, keep the filled store in this schema (BENCH_QUERY_SCHEMA). Default: a
   * fresh schema, dropped at the end.
   */
  schema?: string | undefined;
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

export type QueryScaleDisk =
  { store: 'sqlite'; dbMb: number; walMb: number } | ({ store: 'postgres' } & PgDisk);

export interface QueryScaleResult {
  servers: number;
  endpointsPerServer: number;
  minuteServers: number;
  rows: FillPlan['rows'];
  fillS: number;
  /** PostgreSQL: the `vacuum (analyze)` after the fill (not in `fillS`). */
  vacuumS: number | undefined;
  /** Where it was filled: the SQLite file, or the PostgreSQL host/database and schema. */
  location: string;
  disk: QueryScaleDisk;
  repetitions: number;
  queries: QueryTiming[];
}

/** What a kept store was filled with, so that a later run reuses it only for the same sizes. */
interface Marker {
  servers: number;
  perServer: number;
  minuteServers: number;
  fill: number;
  now: number;
  rows: FillPlan['rows'];
  fillS: number;
  vacuumS: number | undefined;
}

/** Where the benchmark's store lives, SQLite or PostgreSQL. */
interface Target {
  location: string;
  /** Opens the store through the product (its migrations). */
  open(): Promise<Store>;
  fill(plan: FillPlan): Promise<void>;
  /** After the fill, timed apart; PostgreSQL only. */
  settle?(): Promise<void>;
  disk(): Promise<QueryScaleDisk>;
  readMarker(): Promise<unknown>;
  writeMarker(m: Marker): Promise<void>;
  /** Removes the store unless kept. */
  dispose(): Promise<void>;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
const round1 = (n: number): number => Math.round(n * 10) / 10;
const mb = (file: string): number => (existsSync(file) ? Math.round(statSync(file).size / 2 ** 20) : 0);

function sqliteTarget(keep: string | undefined): Target {
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'mcp-health-bench-query-'));
  if (keep) mkdirSync(keep, { recursive: true });
  const file = join(dir, 'mcp-health.db');
  const marker = join(dir, 'bench-fill.json');
  return {
    location: file,
    open: () => openStore({ dataDir: dir }),
    // Straight through better-sqlite3 (one prepared insert, big transactions), which is far
    // faster than Kysely's per-chunk statements.
    fill(plan) {
      const sqlite = new SqliteDatabase(file);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('cache_size = -1048576');
      const insert = sqlite.prepare(
        `insert into request_rollups (server_id, endpoint, resolution, bucket_start, count, errors, tool_errors,
           timeouts, sum_ms, min_ms, max_ms, sketch, rolled) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const fillBatch = sqlite.transaction((batch: FillBatch) =>
        plan.eachRow(batch, (id, ep, res, start, poolIndex, rolled) => {
          const e = plan.pool[poolIndex] as Encoded;
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
        }),
      );
      for (const batch of plan.batches) fillBatch(batch);
      const usage = sqlite.prepare(
        `insert into usage_rollups (bucket_start, server_id, client_name, client_version, protocol_version,
           count, errors, tool_errors) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const fillHour = sqlite.transaction((hour: number) =>
        plan.eachUsage(hour, (id, c, n) =>
          usage.run(hour, id, c.name, c.version, c.protocol, n.count, n.errors, n.toolErrors),
        ),
      );
      for (const hour of plan.usageHours) fillHour(hour);
      sqlite.close();
      return Promise.resolve();
    },
    disk: () => Promise.resolve({ store: 'sqlite', dbMb: mb(file), walMb: mb(`${file}-wal`) }),
    readMarker: () =>
      Promise.resolve(existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : undefined),
    writeMarker: (m) => Promise.resolve(keep ? writeFileSync(marker, JSON.stringify(m)) : undefined),
    dispose: () => Promise.resolve(keep ? undefined : rmSync(dir, { recursive: true, force: true })),
  };
}

function postgresTarget(url: string, keep: string | undefined): Target {
  const schema = keep ?? `bench_query_${randomBytes(4).toString('hex')}`;
  const u = new URL(url);
  return {
    location: `postgres://${u.hostname}:${u.port || '5432'}${u.pathname}, schema ${schema}`,
    open: () => openStore({ databaseUrl: url, dataDir: tmpdir(), schema }),
    fill: (plan) => fillPostgres(url, schema, plan),
    settle: () => vacuumAnalyze(url, schema),
    disk: async () => ({ store: 'postgres', ...(await pgDisk(url, schema)) }),
    readMarker: () => readPgMarker(url, schema),
    writeMarker: (m) => (keep ? writePgMarker(url, schema, m) : Promise.resolve()),
    dispose: () => (keep ? Promise.resolve() : dropSchema(url, schema)),
  };
}

export async function queryScale(options: QueryScaleOptions = {}): Promise<QueryScaleResult> {
  const servers = options.servers ?? 1000;
  const perServer = options.endpointsPerServer ?? 10;
  const minuteServers = Math.min(servers, Math.max(1, options.minuteServers ?? 100));
  const repetitions = options.repetitions ?? 100; // enough for a p99 that is not just the slowest
  const target =
    options.store === 'postgres'
      ? postgresTarget(
          options.databaseUrl ?? DEFAULT_BENCH_DATABASE_URL,
          options.schema ?? process.env.BENCH_QUERY_SCHEMA,
        )
      : sqliteTarget(options.dir ?? process.env.BENCH_QUERY_DIR);
  // `fill` changes when what the fill writes does (3: server-total rows and their indexes), so an old store is not reused
  const sizes = { servers, perServer, minuteServers, fill: 4 };
  try {
    const reused = (await target.readMarker()) as Marker | undefined;
    const reuse =
      reused?.servers === servers &&
      reused.perServer === perServer &&
      reused.minuteServers === minuteServers &&
      reused.fill === sizes.fill
        ? reused
        : undefined;
    if (reuse) return await measure(target, reuse, repetitions);
    // Migrations run here, so that the tables and indexes are the product's.
    const first = await target.open();
    await first.close();

    const now = Date.now();
    const plan = fillPlan(now, servers, perServer, minuteServers);
    const t0 = performance.now();
    await target.fill(plan);
    const fillS = round1((performance.now() - t0) / 1000);
    let vacuumS: number | undefined;
    if (target.settle) {
      const v0 = performance.now();
      await target.settle();
      vacuumS = round1((performance.now() - v0) / 1000);
    }
    const marker: Marker = { ...sizes, now, rows: plan.rows, fillS, vacuumS };
    await target.writeMarker(marker);
    return await measure(target, marker, repetitions);
  } finally {
    await target.dispose();
  }
}

async function measure(target: Target, filled: Marker, repetitions: number): Promise<QueryScaleResult> {
  const { servers, perServer, minuteServers, now, rows, fillS, vacuumS } = filled;
  const store = await target.open();
  const queries: QueryTiming[] = [];
  try {
    const serverId = 'server-0000';
    const db = store.db;
    const time = async (
      name: string,
      run: () => Promise<number>,
      /** What the query reads from the roll-ups, to time the store read apart; none for usage. */
      reads: [Plan, number, string | undefined] | undefined,
      times = repetitions,
    ) => {
      const ms: number[] = [];
      const readMs: number[] = [];
      let resultSize = 0;
      let rowsRead = 0;
      let firstMs = 0;
      for (let i = 0; i <= times; i++) {
        const q0 = performance.now();
        resultSize = await run();
        const q = performance.now() - q0;
        if (i === 0) firstMs = q;
        else ms.push(q);
        if (!reads) continue;
        const [plan, until, endpoint] = reads;
        const r0 = performance.now();
        rowsRead = (await readRows(db, plan, plan.start, until, { serverId, endpoint })).length;
        readMs.push(performance.now() - r0);
      }
      ms.sort((a, b) => a - b);
      readMs.sort((a, b) => a - b);
      queries.push({
        name,
        resultSize,
        resolution: reads?.[0].tier.resolution ?? '—',
        rowsRead: reads ? rowsRead : NaN,
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
    // Usage for capacity planning (usage()): the fleet's reads every server's rows.
    const usageOf = (server: string | undefined, timeZone?: string) => async () => {
      const r = await usage(db, { serverId: server, from: now - 30 * DAY_MS, to: now, now, timeZone });
      if (r.requests === 0 || r.clients.length === 0) throw new Error('usage came back empty');
      return r.daily.length;
    };
    const fleetTimes = Math.min(repetitions, 10);
    await time('usage, fleet, 30 d, UTC', usageOf(undefined), undefined, fleetTimes);
    await time(
      'usage, fleet, 30 d, America/New_York',
      usageOf(undefined, 'America/New_York'),
      undefined,
      fleetTimes,
    );
    await time('usage, one server, 30 d, America/New_York', usageOf(serverId, 'America/New_York'), undefined);
    return {
      servers,
      endpointsPerServer: perServer,
      minuteServers,
      rows,
      fillS,
      vacuumS,
      location: target.location,
      disk: await target.disk(),
      repetitions,
      queries,
    };
  } finally {
    await store.close();
  }
}
