import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';

/**
 * `usage_rollups.tool_errors`: results with `isError: true`, per hour, client and protocol
 * version, beside `errors` (JSON-RPC, transport, timeout). A usage report in a time zone other
 * than UTC sums its days from these hourly rows (the roll-up tiers' days are UTC days), and
 * they must carry all three counts. Rows written before this migration count no tool errors.
 *
 * And the fleet's usage read (`usageRepo.byHourAndClient` without a server) from the index alone,
 * in its group order: the time index it replaces sent every row to the table and a sort
 * (1.4 s for 30 days of 1,000 servers × 3 clients on SQLite, docs/BENCHMARKS.md).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`alter table usage_rollups add column tool_errors integer not null default 0`.execute(db);
  await sql`drop index idx_usage_time`.execute(db);
  if (dialect === 'postgres')
    await sql`create index idx_usage_fleet on usage_rollups (bucket_start, client_name, client_version, protocol_version) include (count, errors, tool_errors)`.execute(
      db,
    );
  else
    await sql`create index idx_usage_fleet on usage_rollups (bucket_start, client_name, client_version, protocol_version, count, errors, tool_errors)`.execute(
      db,
    );
}
