import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { epochMs } from './column-types.js';

/**
 * Several instances on one PostgreSQL (DESIGN §13, src/cluster/): the live instances and their
 * heartbeats, which instance probes each server (a lease with an expiry and an epoch bumped at
 * each change of owner), the leader lease with its fencing epoch, the instance that made each
 * check, and one row per alert notification under its unique key (rule, server, transition) with
 * its sent state. Created in both dialects for simplicity; only PostgreSQL writes the cluster
 * tables. Additive only: an older instance still runs beside a newer one during a rolling upgrade.
 * Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('instances')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('address', 'varchar(500)', (c) => c.notNull())
    .addColumn('version', 'varchar(100)', (c) => c.notNull())
    .addColumn('started_at', epochMs(dialect), (c) => c.notNull())
    .addColumn('heartbeat_at', epochMs(dialect), (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('server_leases')
    .addColumn('server_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(64)', (c) => c.notNull())
    .addColumn('expires_at', epochMs(dialect), (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('idx_server_leases_owner').on('server_leases').column('owner').execute();
  await db.schema
    .createTable('cluster_leader')
    .addColumn('name', 'varchar(50)', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(64)', (c) => c.notNull())
    .addColumn('expires_at', epochMs(dialect), (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into cluster_leader (name, owner, expires_at, epoch) values ('leader', '', 0, 0)`.execute(
    db,
  );
  await db.schema.alterTable('server_health').addColumn('instance_id', 'varchar(64)').execute();
  await db.schema
    .createTable('notification_keys')
    .addColumn('key', 'varchar(300)', (c) => c.primaryKey())
    .addColumn('rule_id', 'integer', (c) => c.notNull())
    .addColumn('server_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('history_id', 'integer')
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(10)', (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('created_at', epochMs(dialect), (c) => c.notNull())
    .addColumn('sent_at', epochMs(dialect))
    .execute();
  await db.schema
    .createIndex('idx_notification_keys_pending')
    .on('notification_keys')
    .columns(['state', 'created_at'])
    .execute();
}
