import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { autoId, epochMs } from './column-types.js';

/** The tiers of `check_rollups` and their bucket widths (ms), as the metrics' roll-ups have them. */
const TIERS: [string, number][] = [
  ['1m', 60_000],
  ['1h', 3_600_000],
  ['1d', 86_400_000],
];
/** How far back each tier is seeded from the checks already stored (their retention later prunes the rest). */
const SEED_MS: Record<string, number> = {
  '1m': 48 * 3_600_000,
  '1h': 400 * 86_400_000,
  '1d': 400 * 86_400_000,
};
/** A gap between two stored checks longer than this (the monitor was down, the server paused) counts for no more. */
const SEED_SPAN_CAP_MS = 5 * 60_000;

/**
 * Uptime and status pages (issue 17, DESIGN §14).
 *
 * `check_rollups`: per server and bucket ('1m' kept 48 h, '1h' kept `metrics_retention_days`,
 * '1d' kept 400 days), the milliseconds the server was up and down (time-weighted: each check's
 * outcome holds until the next check) and the checks counted. The check writer adds to them in
 * the transaction that writes the checks, so 90 days of uptime are 90 rows, not 260,000 checks.
 * They are seeded here from the checks already stored (each span counted in the bucket where it
 * starts, capped at 5 minutes), so an upgraded store keeps its history.
 *
 * `status_pages`: public (or token-only) pages of chosen servers or tags.
 * Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);
  const big = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  await db.schema
    .createTable('check_rollups')
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('resolution', 'varchar(4)', (c) => c.notNull())
    .addColumn('bucket_start', ms, (c) => c.notNull())
    .addColumn('up_ms', big, (c) => c.notNull().defaultTo(0))
    .addColumn('down_ms', big, (c) => c.notNull().defaultTo(0))
    .addColumn('checks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_checks', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('pk_check_rollups', ['server_id', 'resolution', 'bucket_start'])
    .execute();
  // Windows over the whole fleet (the server list, rule evaluation) and retention read by time.
  await db.schema
    .createIndex('idx_check_rollups_time')
    .on('check_rollups')
    .columns(['resolution', 'bucket_start'])
    .execute();

  const now = Date.now();
  for (const [resolution, width] of TIERS) {
    const since = now - (SEED_MS[resolution] ?? 0);
    await sql`
      insert into check_rollups (server_id, resolution, bucket_start, up_ms, down_ms, checks, failed_checks)
      select server_id, ${resolution}, bucket,
        sum(case when ok = 1 then span else 0 end), sum(case when ok = 1 then 0 else span end),
        count(*), sum(1 - ok)
      from (
        select server_id, ok, (last_check / ${sql.lit(width)}) * ${sql.lit(width)} as bucket,
          case when next_check is null then 0
               when next_check - last_check > ${sql.lit(SEED_SPAN_CAP_MS)} then ${sql.lit(SEED_SPAN_CAP_MS)}
               else next_check - last_check end as span
        from (
          select server_id, last_check, ok,
            lead(last_check) over (partition by server_id order by last_check, id) as next_check
          from server_health where last_check >= ${since}
        ) c
      ) s
      group by server_id, bucket`.execute(db);
  }

  await autoId(db.schema.createTable('status_pages'), dialect)
    .addColumn('slug', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('servers', 'text')
    .addColumn('tags', 'text')
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
}
