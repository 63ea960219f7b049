// The query-scale benchmark's PostgreSQL side: the fill through `pg` (the store's own driver),
// the disk the schema takes, and the schema's removal.
import pg from 'pg';
import type { FillPlan } from './query-fill.js';

/** Rows per INSERT: a few MB of array text each. */
const STATEMENT_ROWS = 50_000;

const client = async (url: string, schema: string): Promise<pg.Client> => {
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await c.connect();
  return c;
};

/**
 * Writes the plan's rows into `request_rollups` of `schema` (migrated already), in its order.
 * The pooled buckets go once into a temporary table; each statement then sends only the rows'
 * keys and pool indexes as arrays (`unnest`) and joins the pool for the figures and sketch bytes,
 * kept in the arrays' order (the heap then holds them in time order, as a live store would). The next statement's arrays are built while one runs.
 */
export async function fillPostgres(url: string, schema: string, plan: FillPlan): Promise<void> {
  const c = await client(url, schema);
  try {
    // Only this session's commits skip the WAL flush wait: nothing of the data changes.
    await c.query('set synchronous_commit = off');
    await c.query(`create temporary table bench_pool (pool integer primary key, count bigint, errors bigint,
      tool_errors bigint, timeouts bigint, sum_ms double precision, min_ms double precision,
      max_ms double precision, sketch bytea)`);
    const p = plan.pool;
    await c.query(
      `insert into bench_pool select * from unnest($1::integer[], $2::bigint[], $3::bigint[], $4::bigint[],
        $5::bigint[], $6::double precision[], $7::double precision[], $8::double precision[], $9::bytea[])`,
      [
        p.map((_, i) => i),
        p.map((e) => e.count),
        p.map((e) => e.errors),
        p.map((e) => e.toolErrors),
        p.map((e) => e.timeouts),
        p.map((e) => e.sumMs),
        p.map((e) => e.minMs),
        p.map((e) => e.maxMs),
        p.map((e) => e.sketch),
      ],
    );
    // Names and resolutions go as indexes into small arrays: far less array text to build and parse.
    const names = { servers: new Map<string, number>(), endpoints: new Map<string, number>() };
    const indexOf = (m: Map<string, number>, name: string): number => {
      let i = m.get(name);
      if (i === undefined) m.set(name, (i = m.size + 1));
      return i;
    };
    const resolutions = ['1m', '1h', '1d'];
    const insert = `insert into request_rollups (server_id, endpoint, resolution, bucket_start, count, errors,
        tool_errors, timeouts, sum_ms, min_ms, max_ms, sketch, rolled)
      select ($7::text[])[r.server], ($8::text[])[r.endpoint], ($9::text[])[r.resolution], r.bucket_start,
        p.count, p.errors, p.tool_errors, p.timeouts, p.sum_ms, p.min_ms, p.max_ms, p.sketch, r.rolled
      from unnest($1::integer[], $2::integer[], $3::integer[], $4::bigint[], $5::integer[], $6::integer[])
        with ordinality as r(server, endpoint, resolution, bucket_start, pool, rolled, n)
      join bench_pool p on p.pool = r.pool
      order by r.n`;
    let cols = newColumns();
    const full: Columns[] = [];
    let running: Promise<unknown> = Promise.resolve();
    const send = async (sent: Columns) => {
      await running; // one statement at a time; the next one's arrays are built meanwhile
      running = c.query(insert, [
        sent.servers,
        sent.endpoints,
        sent.resolutions,
        sent.starts,
        sent.pools,
        sent.rolled,
        [...names.servers.keys()],
        [...names.endpoints.keys()],
        resolutions,
      ]);
    };
    for (const batch of plan.batches) {
      plan.eachRow(batch, (id, ep, res, start, poolIndex, rolled) => {
        cols.servers.push(indexOf(names.servers, id));
        cols.endpoints.push(indexOf(names.endpoints, ep));
        cols.resolutions.push(resolutions.indexOf(res) + 1);
        cols.starts.push(start);
        cols.pools.push(poolIndex);
        cols.rolled.push(rolled ? 1 : 0);
        if (cols.starts.length < STATEMENT_ROWS) return;
        full.push(cols);
        cols = newColumns();
      });
      for (const sent of full.splice(0)) await send(sent);
    }
    if (cols.starts.length > 0) await send(cols);
    await running;
    await fillUsage(c, plan);
  } finally {
    await c.end();
  }
}

/** The usage rows, a statement per day of hours (as arrays, `unnest`). */
async function fillUsage(c: pg.Client, plan: FillPlan): Promise<void> {
  const insert = `insert into usage_rollups (bucket_start, server_id, client_name, client_version,
      protocol_version, count, errors, tool_errors)
    select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[],
      $7::integer[], $8::integer[])`;
  for (let i = 0; i < plan.usageHours.length; i += 24) {
    const cols: [number[], string[], string[], string[], string[], number[], number[], number[]] = [
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    for (const hour of plan.usageHours.slice(i, i + 24))
      plan.eachUsage(hour, (id, client, n) => {
        cols[0].push(hour);
        cols[1].push(id);
        cols[2].push(client.name);
        cols[3].push(client.version);
        cols[4].push(client.protocol);
        cols[5].push(n.count);
        cols[6].push(n.errors);
        cols[7].push(n.toolErrors);
      });
    await c.query(insert, cols);
  }
}

/**
 * What autovacuum would have done by the time a store holds 30 days: planner statistics, and
 * the visibility map that index-only scans need.
 */
export async function vacuumAnalyze(url: string, schema: string): Promise<void> {
  const c = await client(url, schema);
  try {
    await c.query('vacuum (analyze) request_rollups');
    await c.query('vacuum (analyze) usage_rollups');
  } finally {
    await c.end();
  }
}

type Columns = ReturnType<typeof newColumns>;

function newColumns() {
  return {
    servers: [] as number[],
    endpoints: [] as number[],
    resolutions: [] as number[],
    starts: [] as number[],
    pools: [] as number[],
    rolled: [] as number[],
  };
}

export interface PgDisk {
  /** `pg_total_relation_size` of every table in the schema (indexes and TOAST included), the marker aside. */
  totalMb: number;
  /** `request_rollups` alone: the table (with TOAST) and its indexes. */
  rollupsTableMb: number;
  rollupsIndexesMb: number;
  /** `server_version`, e.g. "15.20 (Debian 15.20-0+deb12u1)". */
  version: string;
}

export async function pgDisk(url: string, schema: string): Promise<PgDisk> {
  const c = await client(url, schema);
  try {
    const { rows } = await c.query<{ relname: string; total: string; indexes: string }>(
      `select c.relname, pg_total_relation_size(c.oid) as total, pg_indexes_size(c.oid) as indexes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relkind in ('r', 'p', 'm') and c.relname <> 'bench_fill'`,
      [schema],
    );
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    const rollups = rows.find((r) => r.relname === 'request_rollups');
    const [total, indexes] = [Number(rollups?.total ?? 0), Number(rollups?.indexes ?? 0)];
    const version = await c.query<{ server_version: string }>('show server_version');
    return {
      version: version.rows[0]?.server_version ?? '?',
      totalMb: mb(rows.reduce((n, r) => n + Number(r.total), 0)),
      rollupsTableMb: mb(total - indexes),
      rollupsIndexesMb: mb(indexes),
    };
  } finally {
    await c.end();
  }
}

/** The fill's marker in a kept schema (`BENCH_QUERY_SCHEMA`): what was filled, for reuse. */
export async function readPgMarker(url: string, schema: string): Promise<unknown> {
  const c = await client(url, schema);
  try {
    const { rows } = await c.query<{ fill: string }>('select fill from bench_fill');
    return rows[0] ? JSON.parse(rows[0].fill) : undefined;
  } catch {
    return undefined; // no such table: not filled (or not by this benchmark)
  } finally {
    await c.end();
  }
}

export async function writePgMarker(url: string, schema: string, fill: unknown): Promise<void> {
  const c = await client(url, schema);
  try {
    await c.query('create table if not exists bench_fill (fill text not null)');
    await c.query('delete from bench_fill');
    await c.query('insert into bench_fill (fill) values ($1)', [JSON.stringify(fill)]);
  } finally {
    await c.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await c.end();
  }
}
