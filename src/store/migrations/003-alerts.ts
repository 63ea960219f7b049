import { type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { autoId, epochMs } from './column-types.js';

/**
 * Alerting (DESIGN §5, issue 5): rule columns the seed lacks, channels, persisted instance
 * states (so a restart neither loses a firing alert nor notifies it again), history columns,
 * every delivery try, history actions and silences. JSON lists are text (store/json.ts).
 * Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);

  // The seed's alert_rules: + severity, channels (JSON array of channel ids), repeat interval (s).
  await db.schema
    .alterTable('alert_rules')
    .addColumn('severity', 'varchar(20)', (c) => c.notNull().defaultTo('warning'))
    .execute();
  await db.schema
    .alterTable('alert_rules')
    .addColumn('channels', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('alert_rules').addColumn('repeat_interval', 'integer').execute();

  await autoId(db.schema.createTable('notification_channels'), dialect)
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  // One row per (rule, server) instance that has left Normal at least once.
  await db.schema
    .createTable('alert_states')
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('alert_rules.id').onDelete('cascade'))
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('state', 'varchar(20)', (c) => c.notNull())
    .addColumn('active_since', ms)
    .addColumn('fired_at', ms)
    .addColumn('last_notified_at', ms)
    .addColumn('resolved_at', ms)
    .addColumn('value', 'double precision')
    .addColumn('history_id', 'integer')
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_alert_states', ['rule_id', 'server_id'])
    .execute();

  // The seed's alert_history: + state, severity, metric snapshot and channel results (JSON).
  await db.schema
    .alterTable('alert_history')
    .addColumn('state', 'varchar(20)', (c) => c.notNull().defaultTo('firing'))
    .execute();
  await db.schema.alterTable('alert_history').addColumn('severity', 'varchar(20)').execute();
  await db.schema.alterTable('alert_history').addColumn('snapshot', 'text').execute();
  await db.schema.alterTable('alert_history').addColumn('channel_results', 'text').execute();
  await db.schema
    .createIndex('idx_alert_history_rule')
    .on('alert_history')
    .columns(['rule_id', 'triggered_at'])
    .execute();
  await db.schema
    .createIndex('idx_alert_history_state')
    .on('alert_history')
    .columns(['state', 'triggered_at'])
    .execute();

  // Every delivery try (history_id null for "send test notification").
  await autoId(db.schema.createTable('alert_notifications'), dialect)
    .addColumn('history_id', 'integer')
    .addColumn('channel_id', 'integer')
    .addColumn('channel_kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('notification', 'varchar(20)', (c) => c.notNull())
    .addColumn('try', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'varchar(10)', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('idx_alert_notifications_history')
    .on('alert_notifications')
    .columns(['history_id', 'at'])
    .execute();
  await db.schema
    .createIndex('idx_alert_notifications_time')
    .on('alert_notifications')
    .column('at')
    .execute();

  // Acknowledge, silence until, comment: who and when.
  await autoId(db.schema.createTable('alert_actions'), dialect)
    .addColumn('history_id', 'integer', (c) => c.notNull().references('alert_history.id').onDelete('cascade'))
    .addColumn('action', 'varchar(20)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('silence_until', ms)
    .addColumn('at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('idx_alert_actions_history')
    .on('alert_actions')
    .columns(['history_id', 'at'])
    .execute();

  // Silences / maintenance windows: any of rule, server, tag (null = any), from–to.
  await autoId(db.schema.createTable('alert_silences'), dialect)
    .addColumn('rule_id', 'integer')
    .addColumn('server_id', 'varchar(255)')
    .addColumn('tag', 'varchar(100)')
    .addColumn('starts_at', ms, (c) => c.notNull())
    .addColumn('ends_at', ms, (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idx_alert_silences_end').on('alert_silences').column('ends_at').execute();
}
