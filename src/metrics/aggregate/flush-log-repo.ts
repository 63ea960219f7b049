import type { Db } from '../../store/tables.js';

/** The ids of the aggregator's committed flushes, which make a retried flush write nothing twice. */
export const flushLog = {
  /**
   * Records the flush inside its transaction; false when it is already there, i.e. an earlier try
   * of the same flush committed (its confirmation was lost) and nothing must be written again.
   */
  async claim(db: Db, flushId: string, now: number): Promise<boolean> {
    const r = await db
      .insertInto('metric_flushes')
      .values({ flush_id: flushId, committed_at: now })
      .onConflict((oc) => oc.column('flush_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  },

  /** Whether a flush committed (a journal segment sealed under it holds nothing new). */
  async has(db: Db, flushId: string): Promise<boolean> {
    const row = await db
      .selectFrom('metric_flushes')
      .select('flush_id')
      .where('flush_id', '=', flushId)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Deletes at most `batch` ids recorded before `before`; call again while it returns `batch`. */
  async deleteOlderThan(db: Db, before: number, batch: number): Promise<number> {
    const ids = db
      .selectFrom('metric_flushes')
      .select('flush_id')
      .where('committed_at', '<', before)
      .limit(batch);
    const r = await db.deleteFrom('metric_flushes').where('flush_id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
