import { sql, type Kysely } from 'kysely';
import { columnsOf } from '../../metrics/merge-rows.js';
import { groupRows } from '../../metrics/traffic-read.js';
import { SERVER_TOTAL, type Resolution } from '../rollups-repo.js';
import type { Database } from '../tables.js';

const CHUNK = 500;

/**
 * Query speed (issue 3): each server's traffic is also kept as one row per bucket with all its
 * endpoints merged (endpoint `SERVER_TOTAL`), written by the aggregator from now on. This
 * writes those rows for the history already in the store, one server at a time: a total per
 * (resolution, bucket, rolled) — keeping `rolled`, so that rows already counted in a coarser
 * tier are not counted there again. A data migration, so it sums rows with the readers' own code (metrics/traffic-read.ts).
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
    // one total per (resolution, bucket, rolled), summed as every reader sums rows
    const totals = groupRows(rows, (r) => `${r.resolution}|${r.bucket_start}|${r.rolled}`);
    const values = [...totals].map(([key, t]) => {
      const [resolution = '1m', start = '0', rolled = '0'] = key.split('|');
      return {
        server_id,
        endpoint: SERVER_TOTAL,
        // safe because the key's first part is a row's resolution
        resolution: resolution as Resolution,
        bucket_start: Number(start),
        rolled: Number(rolled),
        ...columnsOf(t),
      };
    });
    for (let i = 0; i < values.length; i += CHUNK)
      await db
        .insertInto('request_rollups')
        .values(values.slice(i, i + CHUNK))
        .execute();
  }
}
