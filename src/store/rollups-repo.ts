import { sql, type Insertable, type Selectable } from 'kysely';
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

/**
 * The `endpoint` of a server's total rows: all its endpoints merged, written beside the
 * endpoints' own rows at every flush (and so rolled up like them), so that a server's series and
 * the fleet's totals read one row per bucket instead of one per endpoint. Not a method name:
 * the aggregator renames an event whose endpoint is exactly this.
 */
export const SERVER_TOTAL = '*';

export interface RollupRange {
  from: number;
  to: number;
  serverId?: string | undefined;
  /** One endpoint's rows, or `SERVER_TOTAL`'s; when absent, every endpoint's own rows (no totals). */
  endpoint?: string | undefined;
}

export type SumKey = 'server_id' | 'endpoint' | 'bucket_start';

export interface RollupSums {
  count: number;
  errors: number;
  tool_errors: number;
}

/**
 * Rows with `from <= bucket_start < to` of `resolution`, plus the rows of the `unrolledFiner`
 * resolutions not yet rolled up into it — one statement, so one snapshot: a roll-up committing
 * meanwhile can neither hide nor double a row. A UNION ALL rather than an OR, so that each part
 * has its own index range (the tier's rows by `idx_rollups_server_time` or `idx_rollups_time`,
 * the unrolled ones by the partial `idx_rollups_server_unrolled` of migration 005, or
 * `idx_rollups_pending`); `rolled = 0` is a literal so that the planners match the partial index.
 */
function tierRows(db: Db, resolution: Resolution, unrolledFiner: Resolution[], r: RollupRange) {
  return tierQuery(db, resolution, unrolledFiner, r, columns);
}

function tierQuery<C extends (typeof columns)[number]>(
  db: Db,
  resolution: Resolution,
  unrolledFiner: Resolution[],
  r: RollupRange,
  select: readonly C[],
) {
  const part = (resolutions: Resolution[], unrolledOnly: boolean) => {
    let q = db
      .selectFrom('request_rollups')
      .select(select)
      .where('resolution', 'in', resolutions)
      .where('bucket_start', '>=', r.from)
      .where('bucket_start', '<', r.to);
    if (unrolledOnly) q = q.where('rolled', '=', sql.lit(0));
    if (r.serverId !== undefined) q = q.where('server_id', '=', r.serverId);
    q = q.where('endpoint', r.endpoint === undefined ? '<>' : '=', r.endpoint ?? SERVER_TOTAL);
    return q;
  };
  const tier = part([resolution], false);
  return unrolledFiner.length === 0 ? tier : tier.unionAll(part(unrolledFiner, true));
}

/** `request_rollups`: thin typed queries; merging and tier choice live in src/metrics. */
export const rollupsRepo = {
  /** Every server's total row sketches of the minutes in [from, now] ('1m' rows). */
  async serverTotalSketches(
    db: Db,
    from: number,
    now: number,
  ): Promise<{ server_id: string; sketch: Uint8Array }[]> {
    return db
      .selectFrom('request_rollups')
      .select(['server_id', 'sketch'])
      .where('resolution', '=', '1m')
      .where('endpoint', '=', SERVER_TOTAL)
      .where('bucket_start', '>=', from)
      .where('bucket_start', '<=', now)
      .execute();
  },

  /** The fleet's '1m' server-total rows over [from, now]: counts and sketches (the federation summary). */
  async fleetTotals(
    db: Db,
    from: number,
    now: number,
  ): Promise<{ count: number; errors: number; sketch: Uint8Array; bucket_start: number }[]> {
    return db
      .selectFrom('request_rollups')
      .select(['count', 'errors', 'sketch', 'bucket_start'])
      .where('resolution', '=', '1m')
      .where('endpoint', '=', SERVER_TOTAL)
      .where('bucket_start', '>=', from)
      .where('bucket_start', '<=', now)
      .execute();
  },

  async insertMany(db: Db, rows: NewRollup[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK)
      await db
        .insertInto('request_rollups')
        .values(rows.slice(i, i + CHUNK))
        .execute();
  },

  /** Rows of a tier over [from, to), with the finer rows not yet rolled into it (see `tierRows`). */
  async range(
    db: Db,
    resolution: Resolution,
    unrolledFiner: Resolution[],
    r: RollupRange,
  ): Promise<RollupRow[]> {
    return tierRows(db, resolution, unrolledFiner, r).execute();
  },

  /**
   * The ids of the rows `range` returns (one statement, so one snapshot). Rows never change
   * once written, except `rolled`, so a reader may keep rows by id (src/metrics/row-cache.ts);
   * on SQLite this reads the indexes alone.
   */
  async rangeIds(
    db: Db,
    resolution: Resolution,
    unrolledFiner: Resolution[],
    r: RollupRange,
  ): Promise<number[]> {
    const rows = await tierQuery(db, resolution, unrolledFiner, r, ['id']).execute();
    return rows.map((row) => row.id);
  },

  /** The rows with these ids (those still there). */
  async byIds(db: Db, ids: number[]): Promise<RollupRow[]> {
    const out: RollupRow[] = [];
    for (let i = 0; i < ids.length; i += CHUNK)
      out.push(
        ...(await db
          .selectFrom('request_rollups')
          .select(columns)
          .where('id', 'in', ids.slice(i, i + CHUNK))
          .execute()),
      );
    return out;
  },

  /**
   * Request counts over the same rows as `range`, summed in the store per `by` columns (no
   * sketches read): what usage analytics need.
   */
  async sums<K extends SumKey>(
    db: Db,
    resolution: Resolution,
    unrolledFiner: Resolution[],
    r: RollupRange,
    by: readonly K[],
  ): Promise<(Pick<RollupRow, K> & RollupSums)[]> {
    const rows = await db
      .selectFrom(tierRows(db, resolution, unrolledFiner, r).as('r'))
      .select(by)
      .select((eb) => [
        eb.fn.sum<number | string>('r.count').as('count'),
        eb.fn.sum<number | string>('r.errors').as('errors'),
        eb.fn.sum<number | string>('r.tool_errors').as('tool_errors'),
      ])
      .groupBy(by)
      .execute();
    // safe because the selection is exactly the `by` columns plus the three sums
    return (rows as unknown as (Pick<RollupRow, K> & Record<keyof RollupSums, number | string>)[]).map(
      (row) => ({
        ...row,
        count: Number(row.count),
        errors: Number(row.errors),
        tool_errors: Number(row.tool_errors),
      }),
    );
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
