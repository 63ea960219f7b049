import { SqliteAdapter, sql, type Selectable, type Updateable } from 'kysely';
import type { Db, ErrorEventsTable, ErrorGroupsTable } from '../../store/tables.js';
import type { CountResolution } from './write-repo.js';

export type GroupRow = Selectable<ErrorGroupsTable>;
export type SampleRow = Selectable<ErrorEventsTable>;

/** The rows of one tier over [from, to) (bucket starts). */
export interface CountRange {
  resolution: CountResolution;
  from: number;
  to: number;
}

export interface GroupFilter {
  serverId?: string | undefined;
  kind?: string | undefined;
  endpoint?: string | undefined;
  /** Words in the title, message or type (case-insensitive). */
  text?: string | undefined;
  status?: string | undefined;
}

const likePattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const num = (v: number | string | bigint | null): number => Number(v ?? 0);

/**
 * Reads of given groups go through `idx_error_counts_group` (group, tier, bucket): each group's
 * rows of the window and nothing else. SQLite's planner, without statistics, would otherwise take
 * the window's key (resolution, bucket_start) and read every group's rows of the window (a 30-day
 * list of 50 k groups: hundreds of thousands of rows), hence `indexed by` there; PostgreSQL picks
 * the index by itself. (Before: `+bucket_start`, which kept SQLite off the window's key but read
 * 90 days of each group's rows, ~100 ms for a 24-hour list of busy groups; see docs/BENCHMARKS.md.)
 */
const byGroupIndex = (db: Db) =>
  db.getExecutor().adapter instanceof SqliteAdapter ? sql.raw(' indexed by idx_error_counts_group') : sql``;

/** The errors part's reads: sums over `error_counts`, groups and samples. */
export const errorsReadRepo = {
  /** The groups with errors in the range, most errors first, at most `limit`. */
  async rank(
    db: Db,
    r: CountRange,
    f: GroupFilter,
    limit: number,
  ): Promise<{ groupId: number; count: number }[]> {
    let q = db
      .selectFrom('error_counts')
      .select((eb) => ['group_id', eb.fn.sum<number | string>('count').as('n')])
      .where('resolution', '=', r.resolution);
    q = q.where('bucket_start', '>=', r.from).where('bucket_start', '<', r.to);
    if (f.serverId !== undefined) q = q.where('server_id', '=', f.serverId);
    if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
    if (f.endpoint !== undefined || f.text !== undefined || f.status !== undefined) {
      let groups = db.selectFrom('error_groups').select('id');
      if (f.endpoint !== undefined) groups = groups.where('endpoint', '=', f.endpoint);
      if (f.status !== undefined) groups = groups.where('status', '=', f.status);
      if (f.text !== undefined) {
        const like = likePattern(f.text);
        groups = groups.where(
          (eb) =>
            sql<boolean>`(lower(${eb.ref('title')}) like ${like} escape '\\' or lower(${eb.ref('message')}) like ${like} escape '\\' or lower(${eb.ref('error_type')}) like ${like} escape '\\')`,
        );
      }
      q = q.where('group_id', 'in', groups);
    }
    const rows = await q
      .groupBy('group_id')
      .orderBy('n', 'desc')
      .orderBy('group_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ groupId: row.group_id, count: num(row.n) }));
  },

  async groups(db: Db, ids: number[]): Promise<GroupRow[]> {
    if (ids.length === 0) return [];
    return db.selectFrom('error_groups').selectAll().where('id', 'in', ids).execute();
  },

  async group(db: Db, id: number): Promise<GroupRow | undefined> {
    return db.selectFrom('error_groups').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Errors of these groups in the range per `by` (client name or server). */
  async breakdown(
    db: Db,
    ids: number[],
    r: CountRange,
    by: 'client_name' | 'server_id',
  ): Promise<{ groupId: number; key: string; count: number }[]> {
    if (ids.length === 0) return [];
    const key = sql.ref(by);
    const { rows } = await sql<{ group_id: number | string; part: string; n: number | string }>`
      select group_id, ${key} as part, sum(count) as n from error_counts${byGroupIndex(db)}
      where group_id in (${sql.join(ids)}) and resolution = ${r.resolution}
        and bucket_start >= ${r.from} and bucket_start < ${r.to}
      group by group_id, ${key}`.execute(db);
    return rows.map((row) => ({ groupId: Number(row.group_id), key: row.part, count: num(row.n) }));
  },

  /** Errors per bucket and kind in the range (a server's, or the fleet's). */
  async perBucket(
    db: Db,
    r: CountRange,
    serverId: string | undefined,
  ): Promise<{ bucket: number; kind: string; count: number }[]> {
    let q = db
      .selectFrom('error_counts')
      .select((eb) => ['bucket_start', 'kind', eb.fn.sum<number | string>('count').as('n')])
      .where('resolution', '=', r.resolution);
    q = q.where('bucket_start', '>=', r.from).where('bucket_start', '<', r.to);
    if (serverId !== undefined) q = q.where('server_id', '=', serverId);
    const rows = await q.groupBy(['bucket_start', 'kind']).execute();
    return rows.map((row) => ({ bucket: row.bucket_start, kind: row.kind, count: num(row.n) }));
  },

  /** A group's latest samples in [from, to), newest first. */
  async samples(db: Db, groupId: number, from: number, to: number, limit: number): Promise<SampleRow[]> {
    return db
      .selectFrom('error_events')
      .selectAll()
      .where('group_id', '=', groupId)
      .where('timestamp', '>=', from)
      .where('timestamp', '<', to)
      .orderBy('timestamp', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },

  /** Sets a group's status (and note); returns the row, or undefined when there is no such group. */
  async setStatus(
    db: Db,
    id: number,
    change: { status?: string; note?: string | null; now: number },
  ): Promise<GroupRow | undefined> {
    const set: Updateable<ErrorGroupsTable> = {};
    if (change.note !== undefined) set.resolution_note = change.note;
    if (change.status !== undefined) {
      set.status = change.status;
      set.status_changed_at = change.now;
      // a person has looked at it: the regression is acknowledged by resolving or ignoring it
      if (change.status !== 'open') set.regression = 0;
      if (change.status === 'resolved') set.resolved_at = change.now;
    }
    if (Object.keys(set).length > 0)
      await db.updateTable('error_groups').set(set).where('id', '=', id).execute();
    return this.group(db, id);
  },
};
