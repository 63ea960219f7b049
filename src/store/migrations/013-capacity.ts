import type { Kysely } from 'kysely';

/**
 * Rule metric `anomaly_score` (issue 13) watches one series of a server: requests, p95 or
 * error_rate; null for every other metric. A server's capacity needs no column: it is one of the
 * server's overrides (JSON). Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('alert_rules').addColumn('series', 'varchar(20)').execute();
}
