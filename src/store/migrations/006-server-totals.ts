import { sql, type Generated, type Kysely } from 'kysely';
import { addEncoded, emptyBins, encode, type Bins } from './006/sketch-v1.js';

const CHUNK = 500;
/** The endpoint of a server's total rows, as it was then. */
const SERVER_TOTAL = '*';

/** The table as this migration knows it (its own copy: later changes to the schema's types do not touch it). */
interface RollupRow {
  server_id: string;
  endpoint: string;
  resolution: string;
  bucket_start: number;
  count: number;
  errors: number;
  tool_errors: number;
  timeouts: number;
  sum_ms: number;
  min_ms: number;
  max_ms: number;
  sketch: Uint8Array;
  rolled: number;
}
interface Db {
  request_rollups: RollupRow & { id: Generated<number> };
}

type Total = Pick<
  RollupRow,
  'count' | 'errors' | 'tool_errors' | 'timeouts' | 'sum_ms' | 'min_ms' | 'max_ms'
> & {
  bins: Bins;
};

/** Rows summed per key: counters added, min and max kept, sketches merged bin by bin. */
function totals(rows: RollupRow[], keyOf: (r: RollupRow) => string): Map<string, Total> {
  const out = new Map<string, Total>();
  for (const r of rows) {
    const key = keyOf(r);
    let t = out.get(key);
    if (!t)
      out.set(
        key,
        (t = {
          count: 0,
          errors: 0,
          tool_errors: 0,
          timeouts: 0,
          sum_ms: 0,
          min_ms: Infinity,
          max_ms: -Infinity,
          bins: emptyBins(),
        }),
      );
    t.count += r.count;
    t.errors += r.errors;
    t.tool_errors += r.tool_errors;
    t.timeouts += r.timeouts;
    t.sum_ms += r.sum_ms;
    t.min_ms = Math.min(t.min_ms, r.min_ms);
    t.max_ms = Math.max(t.max_ms, r.max_ms);
    addEncoded(t.bins, r.sketch);
  }
  return out;
}

/**
 * Query speed (issue 3): each server's traffic is also kept as one row per bucket with all its
 * endpoints merged (endpoint `SERVER_TOTAL`), written by the aggregator from now on. This
 * writes those rows for the history already in the store, one server at a time: a total per
 * (resolution, bucket, rolled) — keeping `rolled`, so that rows already counted in a coarser
 * tier are not counted there again. Self-contained: it sums rows and merges sketches with its own
 * copy of that day's code (./006/), so a later change to the readers never changes what it writes.
 */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  // safe because: the migrations before this one made the table with these columns.
  const db = untyped as Kysely<Db>;
  // A server's indexes end with the endpoint, so that picking its rows, totals or endpoints,
  // reads the index alone (SQLite prefers a covering index: without the endpoint in it, the
  // unrolled part of a read fell back to the fleet-wide `idx_rollups_pending`).
  await sql`drop index idx_rollups_server_time`.execute(db);
  await db.schema
    .createIndex('idx_rollups_server_time')
    .on('request_rollups')
    .columns(['server_id', 'resolution', 'bucket_start', 'endpoint'])
    .execute();
  await sql`drop index idx_rollups_server_unrolled`.execute(db);
  await sql`create index idx_rollups_server_unrolled on request_rollups (server_id, resolution, bucket_start, endpoint) where rolled = 0`.execute(
    db,
  );
  const servers = await db.selectFrom('request_rollups').select('server_id').distinct().execute();
  for (const { server_id } of servers) {
    const rows = await db
      .selectFrom('request_rollups')
      .selectAll()
      .where('server_id', '=', server_id)
      .where('endpoint', '<>', SERVER_TOTAL)
      .execute();
    // one total per (resolution, bucket, rolled), summed as every reader sums rows
    const byKey = totals(rows, (r) => `${r.resolution}|${r.bucket_start}|${r.rolled}`);
    const values = [...byKey].map(([key, t]) => {
      const [resolution = '1m', start = '0', rolled = '0'] = key.split('|');
      const { bins, ...figures } = t;
      return {
        server_id,
        endpoint: SERVER_TOTAL,
        resolution,
        bucket_start: Number(start),
        rolled: Number(rolled),
        ...figures,
        sketch: encode(bins),
      };
    });
    for (let i = 0; i < values.length; i += CHUNK)
      await db
        .insertInto('request_rollups')
        .values(values.slice(i, i + CHUNK))
        .execute();
  }
}
