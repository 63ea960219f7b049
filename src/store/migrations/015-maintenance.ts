import { type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { autoId, epochMs } from './column-types.js';

/**
 * Grouping, escalation and maintenance windows (issue 17): a rule's group wait and interval
 * (seconds; existing rules get the defaults) and escalation steps (JSON); the escalation steps
 * sent per history entry (so a restart neither repeats nor forgets one); maintenance windows;
 * and which window held a notification back. Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);
  await db.schema
    .alterTable('alert_rules')
    .addColumn('group_wait', 'integer', (c) => c.notNull().defaultTo(30))
    .execute();
  await db.schema
    .alterTable('alert_rules')
    .addColumn('group_interval', 'integer', (c) => c.notNull().defaultTo(300))
    .execute();
  await db.schema.alterTable('alert_rules').addColumn('escalation', 'text').execute();

  await db.schema
    .createTable('alert_escalations')
    .addColumn('history_id', 'integer', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_alert_escalations', ['history_id', 'step'])
    .execute();

  await autoId(db.schema.createTable('maintenance_windows'), dialect)
    .addColumn('title', 'varchar(255)', (c) => c.notNull())
    // JSON arrays; exactly one of the two is set.
    .addColumn('servers', 'text')
    .addColumn('tags', 'text')
    .addColumn('starts_at', ms, (c) => c.notNull())
    .addColumn('duration_ms', ms, (c) => c.notNull())
    // JSON { rrule } or { cron }; null for a one-off window.
    .addColumn('recurrence', 'text')
    .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('source', 'varchar(20)', (c) => c.notNull().defaultTo('api'))
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('alert_notifications').addColumn('maintenance_id', 'integer').execute();
}
