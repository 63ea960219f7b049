import { type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { autoId, epochMs } from './column-types.js';

/**
 * The dashboard's notifications (the bell), kept in the store with their read state: every alert
 * that fires or resolves, whatever channels its rule names, and the dashboard channel's test
 * notifications. `message` is the alert message every channel sends (JSON). Table type:
 * src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await autoId(db.schema.createTable('notifications'), dialect)
    .addColumn('at', epochMs(dialect), (c) => c.notNull())
    .addColumn('title', 'varchar(500)', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('history_id', 'integer')
    .addColumn('read', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The unread count and "mark all read" read the unread rows only.
  await db.schema.createIndex('idx_notifications_read').on('notifications').columns(['read', 'id']).execute();
}
