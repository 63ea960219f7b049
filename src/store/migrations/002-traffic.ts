import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { autoId, epochMs } from './column-types.js';

/** Sketch bytes: `bytea` in PostgreSQL, `blob` in SQLite. */
export const binaryType = (dialect: Dialect) => (dialect === 'postgres' ? sql`bytea` : sql`blob`);

/** Request counts: a day bucket of a busy fleet can pass 2^31 in PostgreSQL's `integer`. */
const counter = (dialect: Dialect) => (dialect === 'postgres' ? sql`bigint` : sql`integer`);

/**
 * Traffic metrics (DESIGN §2, §4): request roll-ups in three tiers, hourly usage, error groups.
 * Error samples stay in the seed's `error_events`, gauges in `server_metrics`.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);
  const n = counter(dialect);

  // Several rows may share (server, endpoint, resolution, bucket_start): one per flush or roll-up
  // batch. Readers merge them. `rolled` = 1 once the row is counted in the next coarser tier.
  await autoId(db.schema.createTable('request_rollups'), dialect)
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('resolution', 'varchar(4)', (c) => c.notNull())
    .addColumn('bucket_start', ms, (c) => c.notNull())
    .addColumn('count', n, (c) => c.notNull())
    .addColumn('errors', n, (c) => c.notNull())
    .addColumn('tool_errors', n, (c) => c.notNull())
    .addColumn('timeouts', n, (c) => c.notNull())
    .addColumn('sum_ms', 'double precision', (c) => c.notNull())
    .addColumn('min_ms', 'double precision', (c) => c.notNull())
    .addColumn('max_ms', 'double precision', (c) => c.notNull())
    .addColumn('sketch', binaryType(dialect), (c) => c.notNull())
    .addColumn('rolled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('idx_rollups_server_time')
    .on('request_rollups')
    .columns(['server_id', 'resolution', 'bucket_start'])
    .execute();
  await db.schema
    .createIndex('idx_rollups_time')
    .on('request_rollups')
    .columns(['resolution', 'bucket_start'])
    .execute();
  await db.schema
    .createIndex('idx_rollups_pending')
    .on('request_rollups')
    .columns(['resolution', 'rolled', 'bucket_start'])
    .execute();

  // Unknown client fields are '' rather than NULL so that the unique key matches them on upsert.
  await autoId(db.schema.createTable('usage_rollups'), dialect)
    .addColumn('bucket_start', ms, (c) => c.notNull())
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('client_name', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('client_version', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('protocol_version', 'varchar(50)', (c) => c.notNull().defaultTo(''))
    .addColumn('count', n, (c) => c.notNull())
    .addColumn('errors', n, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('uq_usage_key')
    .unique()
    .on('usage_rollups')
    .columns(['server_id', 'bucket_start', 'client_name', 'client_version', 'protocol_version'])
    .execute();
  await db.schema.createIndex('idx_usage_time').on('usage_rollups').column('bucket_start').execute();

  await autoId(db.schema.createTable('error_groups'), dialect)
    .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('error_type', 'varchar(100)', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('first_seen', ms, (c) => c.notNull())
    .addColumn('last_seen', ms, (c) => c.notNull())
    .addColumn('count', n, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('idx_error_groups_server')
    .on('error_groups')
    .columns(['server_id', 'last_seen'])
    .execute();
  await db.schema.createIndex('idx_error_groups_time').on('error_groups').column('last_seen').execute();

  // Retention deletes error samples by time alone; the seed's indexes all lead with another column.
  await db.schema.createIndex('idx_error_events_time').on('error_events').column('timestamp').execute();
}
