// Errors and incidents at fleet scale (issue 12): a store filled with 90 days of error groups, their
// counts in the three tiers and their samples, then the errors list (24 h and 30 d), a group's
// detail and the incident window analysis timed through the HTTP API, on SQLite and PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { buildApi } from '../src/api/app.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { startMonitor } from '../src/monitor.js';
import { openStore, type Store } from '../src/store/open-store.js';

const HOUR_MS = 3_600_000;
/** A number written into the statement (PostgreSQL would type a parameter `integer`: epoch ms overflow it). */
const lit = (n: number) => sql`cast(${sql.lit(n)} as bigint)`;
const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_BENCH_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface ErrorsBenchOptions {
  store: 'sqlite' | 'postgres';
  /** Error groups (default 50,000), spread over `servers` (default 1,000). */
  groups?: number;
  servers?: number;
  /** Days of history (default 90, the default `error_retention_days`). */
  days?: number;
  /** Samples written per hour row at most (default 4: ≈ 10.7 M samples at the default size). */
  samplesPerHour?: number;
  /** Timed requests per query after one untimed (default 100). */
  repetitions?: number;
  databaseUrl?: string;
  /** Keep the filled store for another run (a SQLite folder, or a PostgreSQL schema name); filled only when empty. */
  keep?: string | undefined;
}

export interface ErrorsBenchQuery {
  name: string;
  path: string;
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ErrorsBenchResult {
  store: string;
  groups: number;
  servers: number;
  days: number;
  rows: { minute: number; hour: number; day: number; samples: number; errors: number };
  /** Seconds to fill (or, with `keep` and a filled store, to open it again: `reused`). */
  fillS: number;
  reused: boolean;
  diskMb: number;
  queries: ErrorsBenchQuery[];
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * The shape of the data, by group id (1…groups): the first 1 % are "hot" (errors every hour, 30
 * an hour), the next 9 % "warm" (every 8th hour, 5 an hour), the rest "cold" (one hour in 120,
 * i.e. every five days, 2 errors). Each group belongs to one server (id mod servers), one kind and
 * one client. The '1h' tier holds every active hour of the `days`, the '1d' tier their sums, the
 * '1m' tier the last 48 h (the hour's errors over up to 5 minutes); samples: up to
 * `samplesPerHour` per active hour, spread over it.
 */
async function fill(
  db: Kysely<unknown>,
  dialect: 'sqlite' | 'postgres',
  o: { groups: number; servers: number; days: number; samplesPerHour: number; end: number },
): Promise<void> {
  const hours = o.days * 24;
  const start = o.end - hours * HOUR_MS;
  const hot = Math.max(1, Math.round(o.groups / 100));
  const warm = Math.max(1, Math.round((o.groups * 9) / 100));
  const kinds = sql.raw(
    `case g % 4 when 0 then 'jsonrpc_error' when 1 then 'tool_error' when 2 then 'transport_error' else 'timeout' end`,
  );
  // a helper table of the hours (and their phases) and one of small integers
  await sql`create table bench_hours (h integer primary key, m8 integer not null, m120 integer not null)`.execute(
    db,
  );
  await sql`create table bench_k (k integer primary key)`.execute(db);
  for (let h = 0; h < hours; h += 500) {
    const values = Array.from({ length: Math.min(500, hours - h) }, (_, i) => h + i);
    await sql`insert into bench_hours (h, m8, m120) values ${sql.join(values.map((v) => sql`(${v}, ${v % 8}, ${v % 120})`))}`.execute(
      db,
    );
  }
  await sql`insert into bench_k (k) values ${sql.join(Array.from({ length: 32 }, (_, k) => sql`(${k})`))}`.execute(
    db,
  );
  await sql`create index bench_hours_m8 on bench_hours (m8)`.execute(db);
  await sql`create index bench_hours_m120 on bench_hours (m120)`.execute(db);

  // groups: ids 1…groups (a sequence from bench_hours × bench_k × bench_k is enough for 50 k… use a recursive CTE)
  const seq =
    dialect === 'postgres'
      ? sql`select g from generate_series(1, ${lit(o.groups)}) as s(g)`
      : sql`with recursive s(g) as (select 1 union all select g + 1 from s where g < ${lit(o.groups)}) select g from s`;
  await sql`insert into error_groups (id, fingerprint, server_id, endpoint, error_type, message, title, kind, code,
      first_seen, last_seen, count, status)
    select g, 'bench-' || g, 'server-' || (g % ${lit(o.servers)}), 'tools/call:tool-' || (g % 7),
      ${kinds}, 'upstream failed on <n> (' || g || ')', 'upstream failed on <n> (' || g || ')', ${kinds},
      case when g % 4 = 0 then -32603 else null end, ${lit(start)}, ${lit(start)}, 0,
      case when g % 10 = 9 then 'resolved' else 'open' end
    from (${seq}) as s`.execute(db);
  if (dialect === 'postgres')
    await sql`select setval(pg_get_serial_sequence('error_groups', 'id'), ${lit(o.groups)})`.execute(db);

  const client = sql.raw(`case g.id % 3 when 0 then 'claude-desktop' when 1 then 'cursor' else '' end`);
  const hourRows = (classWhere: ReturnType<typeof sql>, join: ReturnType<typeof sql>, count: number) =>
    sql`insert into error_counts (resolution, bucket_start, group_id, client_name, server_id, kind, count)
      select '1h', ${lit(start)} + h.h * ${lit(HOUR_MS)}, g.id, ${client}, g.server_id, g.kind, ${lit(count)}
      from error_groups g join bench_hours h on ${join}
      where ${classWhere}`.execute(db);
  await hourRows(sql`g.id <= ${lit(hot)}`, sql`1 = 1`, 30);
  await hourRows(sql`g.id > ${lit(hot)} and g.id <= ${lit(hot + warm)}`, sql`h.m8 = g.id % 8`, 5);
  await hourRows(sql`g.id > ${lit(hot + warm)}`, sql`h.m120 = (g.id * 37) % 120`, 2);
  // the UTC day of the hour, as the writer buckets it
  const utcDay = sql`bucket_start / ${lit(DAY_MS)} * ${lit(DAY_MS)}`;
  await sql`insert into error_counts (resolution, bucket_start, group_id, client_name, server_id, kind, count)
    select '1d', ${utcDay}, group_id, client_name, server_id, kind, sum(count)
    from error_counts where resolution = '1h'
    group by ${utcDay}, group_id, client_name, server_id, kind`.execute(db);
  const minuteFrom = o.end - 48 * HOUR_MS;
  await sql`insert into error_counts (resolution, bucket_start, group_id, client_name, server_id, kind, count)
    select '1m', c.bucket_start + k.k * 720000, c.group_id, c.client_name, c.server_id, c.kind,
      c.count / (case when c.count < 5 then c.count else 5 end)
    from error_counts c join bench_k k on k.k < (case when c.count < 5 then c.count else 5 end)
    where c.resolution = '1h' and c.bucket_start >= ${lit(minuteFrom)}`.execute(db);
  // one pass over the hour rows (a correlated subquery per group would scan the tier per group in SQLite)
  await sql`update error_groups set count = t.n, first_seen = t.f, last_seen = t.l + 3599000
    from (select group_id, sum(count) as n, min(bucket_start) as f, max(bucket_start) as l
      from error_counts where resolution = '1h' group by group_id) as t
    where t.group_id = error_groups.id`.execute(db);
  // samples: up to samplesPerHour per active hour, spread over it
  const perRow = Math.min(32, o.samplesPerHour);
  await sql`insert into error_events (group_id, server_id, endpoint, error_type, error_code, error_message,
      error_data, stack_trace, request_id, client_info, timestamp)
    select c.group_id, c.server_id, 'tools/call:tool-' || (c.group_id % 7), c.kind,
      case when c.kind = 'jsonrpc_error' then -32603 else null end,
      'upstream failed on ' || (c.bucket_start / 1000 + k.k) || ' (' || c.group_id || ')', null, null,
      'req-' || k.k, case when c.client_name = '' then null else '{"name":"' || c.client_name || '"}' end,
      c.bucket_start + k.k * 97000 + c.group_id % 1000
    from error_counts c join bench_k k on k.k < (case when c.count < ${lit(perRow)} then c.count else ${lit(perRow)} end)
    where c.resolution = '1h'`.execute(db);
  await sql`drop table bench_hours`.execute(db);
  await sql`drop table bench_k`.execute(db);
}

async function counts(db: Kysely<unknown>): Promise<ErrorsBenchResult['rows']> {
  const r = await sql<{ resolution: string; n: number | string; s: number | string }>`
    select resolution, count(*) as n, sum(count) as s from error_counts group by resolution`.execute(db);
  const of = (res: string) => r.rows.find((x) => x.resolution === res);
  const samples = await sql<{ n: number | string }>`select count(*) as n from error_events`.execute(db);
  return {
    minute: Number(of('1m')?.n ?? 0),
    hour: Number(of('1h')?.n ?? 0),
    day: Number(of('1d')?.n ?? 0),
    samples: Number(samples.rows[0]?.n ?? 0),
    errors: Number(of('1d')?.s ?? 0),
  };
}

export async function errorsBench(options: ErrorsBenchOptions): Promise<ErrorsBenchResult> {
  const groups = options.groups ?? 50_000;
  const servers = options.servers ?? 1000;
  const days = options.days ?? 90;
  const samplesPerHour = options.samplesPerHour ?? 4;
  const repetitions = options.repetitions ?? 100;
  const keep = options.keep;
  const dataDir =
    keep !== undefined && options.store === 'sqlite'
      ? keep
      : mkdtempSync(join(tmpdir(), 'mcp-health-bench-errors-'));
  if (keep !== undefined) mkdirSync(dataDir, { recursive: true });
  const url = options.databaseUrl ?? DEFAULT_BENCH_DATABASE_URL;
  const schema =
    options.store === 'postgres' ? (keep ?? `bench_errors_${randomBytes(4).toString('hex')}`) : undefined;
  const databaseUrl = options.store === 'postgres' ? url : undefined;
  // the data ends with the current hour
  const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS;
  try {
    const t0 = performance.now();
    const store: Store = await openStore({ dataDir, databaseUrl, schema });
    let rows: ErrorsBenchResult['rows'];
    let reused = false;
    try {
      const db = store.db as unknown as Kysely<unknown>;
      const filled = await sql<{ n: number | string }>`select count(*) as n from error_groups`.execute(db);
      reused = Number(filled.rows[0]?.n ?? 0) > 0;
      if (!reused) {
        if (options.store === 'sqlite') await sql`pragma synchronous = off`.execute(db);
        await fill(db, options.store, { groups, servers, days, samplesPerHour, end });
        // PostgreSQL's autovacuum would have analyzed the tables; SQLite is never analyzed (no sqlite_stat1)
        if (options.store === 'postgres') await sql`analyze`.execute(db);
      }
      rows = await counts(db);
    } finally {
      await store.close();
    }
    const fillS = round1((performance.now() - t0) / 1000);
    const diskMb = options.store === 'sqlite' ? sqliteMb(dataDir) : await pgMb(url, schema ?? '');

    const config = configSchema.parse({
      data_dir: dataDir,
      ...(databaseUrl ? { database_url: databaseUrl } : {}),
      log_level: 'warn',
      port: 0,
      servers: [],
    });
    const log = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
    const monitor = await startMonitor({ config, log, schema });
    const { app } = await buildApi(monitor);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const now = Date.now();
      const hotIds = Array.from({ length: Math.max(1, Math.round(groups / 100)) }, (_, i) => i + 1);
      const paths: [string, (i: number) => string][] = [
        ['errors list, 24 h', () => `/api/v1/errors?from=${now - DAY_MS}&to=${now}`],
        ['errors list, 30 d', () => `/api/v1/errors?from=${now - 30 * DAY_MS}&to=${now}`],
        [
          `a hot group's detail (its whole life: ${days} d)`,
          (i) => `/api/v1/errors/groups/${hotIds[i % hotIds.length] ?? 1}`,
        ],
        ['incident window analysis, 1 h', () => `/api/v1/incidents/window?from=${now - HOUR_MS}&to=${now}`],
      ];
      const queries: ErrorsBenchQuery[] = [];
      for (const [name, path] of paths) {
        const once = async (i: number): Promise<number> => {
          const started = performance.now();
          const res = await fetch(`${base}${path(i)}`);
          const body = await res.arrayBuffer();
          if (res.status !== 200)
            throw new Error(`${path(i)}: ${res.status} ${Buffer.from(body).toString().slice(0, 300)}`);
          return performance.now() - started;
        };
        const first = await once(0);
        const times: number[] = [];
        for (let i = 1; i <= repetitions; i++) times.push(await once(i));
        times.sort((a, b) => a - b);
        queries.push({
          name,
          path: path(0)
            .replace(/\d{13}/g, '…')
            .replace(/groups\/\d+/, 'groups/:id'),
          firstMs: round1(first),
          p50Ms: round1(quantile(times, 0.5)),
          p99Ms: round1(quantile(times, 0.99)),
          maxMs: round1(times.at(-1) ?? Number.NaN),
        });
      }
      return {
        store: options.store === 'postgres' ? `PostgreSQL (${schema ?? ''})` : 'SQLite',
        groups,
        servers,
        days,
        rows,
        fillS,
        reused,
        diskMb,
        queries,
      };
    } finally {
      await app.close();
      await monitor.stop();
    }
  } finally {
    // a kept SQLite store is its folder; a kept PostgreSQL store is its schema (the folder is scratch)
    if (keep === undefined || options.store === 'postgres') rmSync(dataDir, { recursive: true, force: true });
    if (keep === undefined && schema) await dropSchema(url, schema);
  }
}

function sqliteMb(dir: string): number {
  const size = (f: string) => {
    try {
      return statSync(join(dir, f)).size;
    } catch {
      return 0;
    }
  };
  return Math.round((size('mcp-health.db') + size('mcp-health.db-wal')) / 2 ** 20);
}

async function pgMb(url: string, schema: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ b: string }>(
      `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as b from pg_class c
       join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`,
      [schema],
    );
    return Math.round(Number(r.rows[0]?.b ?? 0) / 2 ** 20);
  } finally {
    await c.end();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await c.end();
  }
}
