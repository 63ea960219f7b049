import { sql, type Kysely } from 'kysely';

/**
 * Query speed (issue 3): a series reads its tier's rows plus the finer rows not yet rolled into
 * it. Those unrolled rows are a thin slice of the finer tier (the last hour or so of minutes, the
 * current day of hours), but no index reached them without walking all of a server's finer rows.
 * A partial index holds just them; rolled rows leave it when the roll-up marks them.
 * (The fleet-wide form is served by `idx_rollups_pending` of 002.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index idx_rollups_server_unrolled on request_rollups (server_id, resolution, bucket_start) where rolled = 0`.execute(
    db,
  );
}
