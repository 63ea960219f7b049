import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';

/**
 * Query speed on PostgreSQL: the row cache asks a server's indexes for row ids
 * (`rollupsRepo.rangeIds`). SQLite's indexes hold the rowid, so that reads the index alone;
 * PostgreSQL's did not hold `id`, so it visited the heap for every row (one page per row: a
 * server's rows lie among the fleet's) and a 30-day endpoint table took a parallel plan whose
 * workers cost ~12 ms to start for 0.5 ms of work (docs/BENCHMARKS.md, Query scale, PostgreSQL).
 * Same keys, `id` carried along: index-only scans. Nothing to do on SQLite.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`drop index idx_rollups_server_time`.execute(db);
  await sql`create index idx_rollups_server_time on request_rollups (server_id, resolution, bucket_start, endpoint) include (id)`.execute(
    db,
  );
  await sql`drop index idx_rollups_server_unrolled`.execute(db);
  await sql`create index idx_rollups_server_unrolled on request_rollups (server_id, resolution, bucket_start, endpoint) include (id) where rolled = 0`.execute(
    db,
  );
}
