import { sql } from 'kysely';
import type { Db } from '../../store/tables.js';
import type { CountResolution } from './write-repo.js';

/** Deletes of what is past retention, at most `batch` rows a call (call again while it returns `batch`). */
export const errorsRetentionRepo = {
  async samplesBefore(db: Db, before: number, batch: number): Promise<number> {
    const ids = db.selectFrom('error_events').select('id').where('timestamp', '<', before).limit(batch);
    const r = await db.deleteFrom('error_events').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  async countsBefore(db: Db, resolution: CountResolution, before: number, batch: number): Promise<number> {
    // no id: the rows are picked by their key (a row value, in both dialects)
    const r = await sql`delete from error_counts
      where (resolution, bucket_start, group_id, client_name) in (
        select resolution, bucket_start, group_id, client_name from error_counts
        where resolution = ${resolution} and bucket_start < ${before} limit ${batch})`.execute(db);
    return Number(r.numAffectedRows ?? 0);
  },

  async groupsLastSeenBefore(db: Db, before: number, batch: number): Promise<number> {
    const ids = db.selectFrom('error_groups').select('id').where('last_seen', '<', before).limit(batch);
    const r = await db.deleteFrom('error_groups').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
