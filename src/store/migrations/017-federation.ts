import type { Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { epochMs } from './column-types.js';

/**
 * Federation (issue 14, DESIGN §6): `federation_peers`, the instances this one polls (the token
 * sealed like every secret of the store; `source` config or api, as servers), and
 * `federation_instance`, the one row holding this instance's stable id.
 * Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);
  await db.schema
    .createTable('federation_peers')
    .addColumn('id', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('url', 'varchar(2048)', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('federation_instance')
    .addColumn('id', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
}
