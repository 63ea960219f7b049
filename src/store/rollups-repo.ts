import type { Insertable, Selectable } from 'kysely';
import type { Db, RequestRollupsTable } from './tables.js';

export type Resolution = RequestRollupsTable['resolution'];
export type NewRollup = Omit<Insertable<RequestRollupsTable>, 'id' | 'rolled'>;
export type RollupRow = Omit<Selectable<RequestRollupsTable>, 'rolled'>;

const CHUNK = 500; // 13 parameters a row: well under SQLite's and PostgreSQL's limits

const columns = [
  'id',
  'server_id',
  'endpoint',
  'resolution',
  'bucket_start',
  'count',
  'errors',
  'tool_errors',
  'timeouts',
  'sum_ms',
  'min_ms',
  'max_ms',
  'sketch',
] as const;

export interface RollupRange {
  from: number;
  to: number;
  serverId?: string | undefined;
  endpoint?: string | undefined;
}

/** `request_rollups`: thin typed queries; merging and tier choice live in src/metrics. */
export const rollupsRepo = {
  async insertMany(db: Db, rows: NewRollup[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK)
      await db
        .insertInto('request_rollups')
        .values(rows.slice(i, i + CHUNK))
        .execute();
  },

  /**
   * Rows with `from <= bucket_start < to` of `resolution`, plus the rows of the `unrolledFiner`
   * resolutions not yet rolled up into it — one statement, so one snapshot: a roll-up committing
   * meanwhile can neither hide nor double a row.
   */
  async range(
    db: Db,
    resolution: Resolution,
    unrolledFiner: Resolution[],
    r: RollupRange,
  ): Promise<RollupRow[]> {
    let q = db
      .selectFrom('request_rollups')
      .select(columns)
      .where((eb) =>
        unrolledFiner.length === 0
          ? eb('resolution', '=', resolution)
          : eb.or([
              eb('resolution', '=', resolution),
              eb.and([eb('resolution', 'in', unrolledFiner), eb('rolled', '=', 0)]),
            ]),
      )
      .where('bucket_start', '>=', r.from)
      .where('bucket_start', '<', r.to);
    if (r.serverId !== undefined) q = q.where('server_id', '=', r.serverId);
    if (r.endpoint !== undefined) q = q.where('endpoint', '=', r.endpoint);
    return q.execute();
  },

  /** At most `limit` rows of `resolution` not yet rolled up, with `bucket_start < before`, oldest first. */
  async pending(db: Db, resolution: Resolution, before: number, limit: number): Promise<RollupRow[]> {
    return db
      .selectFrom('request_rollups')
      .select(columns)
      .where('resolution', '=', resolution)
      .where('rolled', '=', 0)
      .where('bucket_start', '<', before)
      .orderBy('bucket_start')
      .orderBy('id')
      .limit(limit)
      .execute();
  },

  /** Marks rows rolled up; returns how many were still unrolled (fewer means another roller got there first). */
  async markRolled(db: Db, ids: number[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const r = await db
        .updateTable('request_rollups')
        .set({ rolled: 1 })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .where('rolled', '=', 0)
        .executeTakeFirst();
      n += Number(r.numUpdatedRows);
    }
    return n;
  },

  /**
   * Deletes at most `batch` rows of `resolution` older than `before`; call again while it returns
   * `batch`. `rolledOnly` keeps rows that are not yet counted in a coarser tier.
   */
  async deleteOlderThan(
    db: Db,
    resolution: Resolution,
    before: number,
    batch: number,
    rolledOnly: boolean,
  ): Promise<number> {
    let ids = db
      .selectFrom('request_rollups')
      .select('id')
      .where('resolution', '=', resolution)
      .where('bucket_start', '<', before)
      .limit(batch);
    if (rolledOnly) ids = ids.where('rolled', '=', 1);
    const r = await db.deleteFrom('request_rollups').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
