import { sql, type Kysely, type Selectable } from 'kysely';
import type { DDSketch } from '@datadog/sketches-js';
import { addEncoded, encodeSketch, newSketch } from '../../metrics/sketch-codec.js';
import { SERVER_TOTAL } from '../rollups-repo.js';
import type { Database, RequestRollupsTable } from '../tables.js';

const CHUNK = 500;

/** A bucket's total being summed: the row's columns, its sketch decoded. */
type Total = Omit<Selectable<RequestRollupsTable>, 'id' | 'server_id' | 'endpoint' | 'sketch'> & {
  sketch: DDSketch;
};

/**
 * Query speed (issue 3): each server's traffic is also kept as one row per bucket with all its
 * endpoints merged (endpoint `SERVER_TOTAL`), written by the aggregator from now on. This
 * writes those rows for the history already in the store, one server at a time: a total per
 * (resolution, bucket, rolled) — keeping `rolled`, so that rows already counted in a coarser
 * tier are not counted there again. A data migration, so it needs the sketch codec.
 */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Database>;
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
    const totals = new Map<string, Total>();
    for (const r of rows) {
      const key = `${r.resolution}|${r.bucket_start}|${r.rolled}`;
      let t = totals.get(key);
      if (!t)
        totals.set(
          key,
          (t = {
            resolution: r.resolution,
            bucket_start: r.bucket_start,
            rolled: r.rolled,
            count: 0,
            errors: 0,
            tool_errors: 0,
            timeouts: 0,
            sum_ms: 0,
            min_ms: Infinity,
            max_ms: -Infinity,
            sketch: newSketch(),
          }),
        );
      t.count += r.count;
      t.errors += r.errors;
      t.tool_errors += r.tool_errors;
      t.timeouts += r.timeouts;
      t.sum_ms += r.sum_ms;
      t.min_ms = Math.min(t.min_ms, r.min_ms);
      t.max_ms = Math.max(t.max_ms, r.max_ms);
      addEncoded(t.sketch, r.sketch);
    }
    const values = [...totals.values()].map((t) => ({
      ...t,
      server_id,
      endpoint: SERVER_TOTAL,
      sketch: encodeSketch(t.sketch),
    }));
    for (let i = 0; i < values.length; i += CHUNK)
      await db
        .insertInto('request_rollups')
        .values(values.slice(i, i + CHUNK))
        .execute();
  }
}
