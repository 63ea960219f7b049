import type { Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { autoId, epochMs } from './column-types.js';

/**
 * Teams (issue 15, DESIGN §12): users with a role and a scrypt password hash; dashboard sessions
 * and API tokens, both kept only as the SHA-256 of their secret; and indexes for reading the
 * audit log by actor and by target. Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);
  await autoId(db.schema.createTable('users'), dialect)
    .addColumn('name', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_sessions')
    .addColumn('secret_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_seen_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idx_user_sessions_user').on('user_sessions').column('user_id').execute();

  await autoId(db.schema.createTable('api_tokens'), dialect)
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('servers', 'text')
    .addColumn('expires_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_used_at', ms)
    .execute();
  await db.schema.createIndex('idx_api_tokens_user').on('api_tokens').column('user_id').execute();

  await db.schema.createIndex('idx_audit_actor_time').on('audit_log').columns(['actor', 'at']).execute();
  await db.schema.createIndex('idx_audit_target_time').on('audit_log').columns(['target', 'at']).execute();
}
