import type { Insertable } from 'kysely';
import type { Db, UsageRollupsTable } from './tables.js';

export type UsageDelta = Omit<Insertable<UsageRollupsTable>, 'id'>;

export interface UsageRow {
  bucket_start: number;
  client_name: string;
  client_version: string;
  protocol_version: string;
  count: number;
  /** JSON-RPC, transport and timeout errors. */
  errors: number;
  tool_errors: number;
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
              tool_errors: eb('usage_rollups.tool_errors', '+', eb.ref('excluded.tool_errors')),
            })),
        )
        .execute();
  },

  /**
   * Totals per hour, client name/version and protocol version over `from <= hour < to` (the
   * servers summed), oldest hour first: one pass over the rows serves the hour-of-day, weekday, client and
   * protocol figures and a time zone's days.
   */
  async byHourAndClient(
    db: Db,
    r: { from: number; to: number; serverId?: string | undefined },
  ): Promise<UsageRow[]> {
    let q = db
      .selectFrom('usage_rollups')
      .select(['bucket_start', 'client_name', 'client_version', 'protocol_version'])
      .select((eb) => [
        eb.fn.sum<number | string>('count').as('count'),
        eb.fn.sum<number | string>('errors').as('errors'),
        eb.fn.sum<number | string>('tool_errors').as('tool_errors'),
      ])
      .where('bucket_start', '>=', r.from)
      .where('bucket_start', '<', r.to)
      .groupBy(['bucket_start', 'client_name', 'client_version', 'protocol_version'])
      .orderBy('bucket_start');
    if (r.serverId !== undefined) q = q.where('server_id', '=', r.serverId);
    const rows = await q.execute();
    return rows.map((row) => ({
      ...row,
      count: Number(row.count),
      errors: Number(row.errors),
      tool_errors: Number(row.tool_errors),
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
