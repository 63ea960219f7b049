import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { epochMs } from './column-types.js';

/**
 * Query speed (issue 3): a series reads its tier's rows plus the finer rows not yet rolled into
 * it. Those unrolled rows are a thin slice of the finer tier (the last hour or so of minutes, the
 * current day of hours), but no index reached them without walking all of a server's finer rows.
 * A partial index holds just them; rolled rows leave it when the roll-up marks them.
 * (The fleet-wide form is served by `idx_rollups_pending` of 002.) Also `metric_flushes`, which
 * makes the aggregator's flush idempotent.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`create index idx_rollups_server_unrolled on request_rollups (server_id, resolution, bucket_start) where rolled = 0`.execute(
    db,
  );

  // The aggregator's flushes that committed, by id: a flush retried after a commit whose
  // confirmation was lost finds its id here and writes nothing twice. Pruned with the roll-ups.
  await db.schema
    .createTable('metric_flushes')
    .addColumn('flush_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('committed_at', epochMs(dialect), (c) => c.notNull())
    .execute();
}
