import { sql, type Insertable } from 'kysely';
import type { Db, ServerHealthTable } from './tables.js';
import { fromJson, toJson } from './json.js';
import type { CheckRow } from '../model/check.js';
import type { Status } from '../model/server.js';

export type NewCheck = Omit<Insertable<ServerHealthTable>, 'metadata'> & {
  metadata: Record<string, unknown>;
};

export const checksRepo = {
  async insertMany(db: Db, checks: NewCheck[]): Promise<void> {
    if (checks.length === 0) return;
    const rows = checks.map((c) => ({ ...c, metadata: toJson(c.metadata) }));
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto('server_health')
        .values(rows.slice(i, i + 500))
        .execute();
  },
  async recent(db: Db, serverId: string, limit: number): Promise<CheckRow[]> {
    const rows = await db
      .selectFrom('server_health')
      .selectAll()
      .where('server_id', '=', serverId)
      .orderBy('last_check', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      server_id: r.server_id,
      // safe because: the column is written only from a check's Status (checker/check-writer.ts).
      status: r.status as Status,
      ok: r.ok === 1,
      checked_at: new Date(r.last_check).toISOString(),
      response_time_ms: r.response_time_ms,
      error: r.error_message,
      metadata: fromJson<Record<string, unknown>>(r.metadata, {}),
    }));
  },
  /** Deletes at most `batch` rows older than `before`; call again while it returns `batch`. */
  async deleteOlderThan(db: Db, before: number, batch: number): Promise<number> {
    const ids = db.selectFrom('server_health').select('id').where('last_check', '<', before).limit(batch);
    const result = await db.deleteFrom('server_health').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

/** One check in a heartbeat strip. */
export interface Heartbeat {
  serverId: string;
  at: number;
  status: Status;
  ok: boolean;
}

/**
 * Every server's latest `limit` checks taken at or after `since` (the bound keeps the scan to
 * the index's recent part), newest first: the cards' heartbeat strips in one query.
 */
export async function latestChecksPerServer(
  db: Db,
  since: number,
  limit: number,
  serverIds: readonly string[] | null,
): Promise<Heartbeat[]> {
  if (serverIds?.length === 0) return [];
  let inner = db
    .selectFrom('server_health')
    .select(['server_id', 'last_check', 'status', 'ok'])
    .select(sql<number>`row_number() over (partition by server_id order by last_check desc, id desc)`.as('n'))
    .where('last_check', '>=', since);
  if (serverIds) inner = inner.where('server_id', 'in', serverIds);
  const rows = await db
    .selectFrom(inner.as('c'))
    .selectAll()
    .where('n', '<=', limit)
    .orderBy('server_id')
    .orderBy('last_check', 'desc')
    .execute();
  return rows.map((r) => ({
    serverId: r.server_id,
    at: r.last_check,
    // safe because: the column is written only from a check's Status (checker/check-writer.ts).
    status: r.status as Status,
    ok: r.ok === 1,
  }));
}
