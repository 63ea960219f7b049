import type { Insertable } from 'kysely';
import type { Db, UsageRollupsTable } from './tables.js';

export type UsageDelta = Omit<Insertable<UsageRollupsTable>, 'id'>;

export interface UsageRow {
  client_name: string;
  client_version: string;
  protocol_version: string;
  count: number;
  errors: number;
}

const CHUNK = 500;

/** `usage_rollups`: hourly request counts by client and protocol version, added to on every flush. */
export const usageRepo = {
  /**
   * Adds the deltas to their hour rows, creating them when missing. The rows must have distinct
   * keys (PostgreSQL refuses to update one row twice in a statement); they are written in key
   * order so that concurrent writers lock in the same order.
   */
  async addMany(db: Db, rows: UsageDelta[]): Promise<void> {
    const sorted = [...rows].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
    for (let i = 0; i < sorted.length; i += CHUNK)
      await db
        .insertInto('usage_rollups')
        .values(sorted.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc
            .columns(['server_id', 'bucket_start', 'client_name', 'client_version', 'protocol_version'])
            .doUpdateSet((eb) => ({
              count: eb('usage_rollups.count', '+', eb.ref('excluded.count')),
              errors: eb('usage_rollups.errors', '+', eb.ref('excluded.errors')),
            })),
        )
        .execute();
  },

  /** Totals by client name/version and protocol version over `from <= hour < to`, most used first. */
  async byClient(
    db: Db,
    r: { from: number; to: number; serverId?: string | undefined },
  ): Promise<UsageRow[]> {
    let q = db
      .selectFrom('usage_rollups')
      .select(['client_name', 'client_version', 'protocol_version'])
      .select((eb) => [
        eb.fn.sum<number | string>('count').as('count'),
        eb.fn.sum<number | string>('errors').as('errors'),
      ])
      .where('bucket_start', '>=', r.from)
      .where('bucket_start', '<', r.to)
      .groupBy(['client_name', 'client_version', 'protocol_version']);
    if (r.serverId !== undefined) q = q.where('server_id', '=', r.serverId);
    const rows = await q.execute();
    return rows
      .map((row) => ({ ...row, count: Number(row.count), errors: Number(row.errors) }))
      .sort((a, b) => b.count - a.count);
  },

  /** Totals per hour (`bucket_start`) over `from <= hour < to`, all clients together, oldest first. */
  async byHour(
    db: Db,
    r: { from: number; to: number; serverId?: string | undefined },
  ): Promise<{ bucket_start: number; count: number; errors: number }[]> {
    let q = db
      .selectFrom('usage_rollups')
      .select('bucket_start')
      .select((eb) => [
        eb.fn.sum<number | string>('count').as('count'),
        eb.fn.sum<number | string>('errors').as('errors'),
      ])
      .where('bucket_start', '>=', r.from)
      .where('bucket_start', '<', r.to)
      .groupBy('bucket_start')
      .orderBy('bucket_start');
    if (r.serverId !== undefined) q = q.where('server_id', '=', r.serverId);
    const rows = await q.execute();
    return rows.map((row) => ({
      bucket_start: row.bucket_start,
      count: Number(row.count),
      errors: Number(row.errors),
    }));
  },

  /** Deletes at most `batch` hour rows older than `before`; call again while it returns `batch`. */
  async deleteOlderThan(db: Db, before: number, batch: number): Promise<number> {
    const ids = db.selectFrom('usage_rollups').select('id').where('bucket_start', '<', before).limit(batch);
    const r = await db.deleteFrom('usage_rollups').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};

const keyOf = (r: UsageDelta): string[] => [
  r.server_id,
  String(r.bucket_start),
  r.client_name ?? '',
  r.client_version ?? '',
  r.protocol_version ?? '',
];

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
