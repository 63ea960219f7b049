import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { epochMs } from './column-types.js';

/**
 * Error groups as DESIGN §10 has them (issue 12): kind, code, title, status (open / resolved /
 * ignored), resolution note and regression on `error_groups`; each sample linked to its group,
 * with its JSON-RPC code and data; and `error_counts`, errors per group per bucket and client in
 * three tiers ('1m' kept 48 h, '1h' kept `error_retention_days`, '1d' kept 400 days), written at
 * each flush. The list of groups "by count in a window", the trend and a group's breakdowns sum
 * these rows (a day of a busy fleet is thousands of rows) instead of millions of samples; kind
 * and server are copied onto each row so that the trend and a server's list need no join.
 * Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);
  // a group id is a bigserial in PostgreSQL
  const ref = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  const counter = dialect === 'postgres' ? sql`bigint` : sql`integer`;

  const groups = db.schema.alterTable('error_groups');
  await groups.addColumn('kind', 'varchar(30)', (c) => c.notNull().defaultTo('jsonrpc_error')).execute();
  await groups.addColumn('code', 'integer').execute();
  await groups.addColumn('title', 'text', (c) => c.notNull().defaultTo('')).execute();
  await groups.addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('open')).execute();
  await groups.addColumn('resolution_note', 'text').execute();
  await groups.addColumn('regression', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await groups.addColumn('resolved_at', ms).execute();
  await groups.addColumn('status_changed_at', ms).execute();
  // Groups written before: their kind from their type (002 kept only the type), their message as title.
  await sql`update error_groups set title = message, kind = case
      when error_type in ('tool_error', 'transport_error', 'timeout') then error_type
      else 'jsonrpc_error' end`.execute(db);

  const samples = db.schema.alterTable('error_events');
  await samples.addColumn('group_id', ref).execute();
  await samples.addColumn('error_code', 'integer').execute();
  await samples.addColumn('error_data', 'text').execute();
  // A group's latest samples.
  await db.schema
    .createIndex('idx_error_events_group')
    .on('error_events')
    .columns(['group_id', 'timestamp'])
    .execute();

  // The key leads with the window, so a list's rows are one range of the index; SQLite keeps the
  // table in that order (without rowid), so the range is the rows themselves.
  let counts = db.schema
    .createTable('error_counts')
    .addColumn('resolution', 'varchar(4)', (c) => c.notNull())
    .addColumn('bucket_start', ms, (c) => c.notNull())
    .addColumn('group_id', ref, (c) => c.notNull())
    .addColumn('client_name', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('kind', 'varchar(30)', (c) => c.notNull())
    .addColumn('count', counter, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_error_counts', ['resolution', 'bucket_start', 'group_id', 'client_name']);
  if (dialect === 'sqlite') counts = counts.modifyEnd(sql`without rowid`);
  await counts.execute();
  await db.schema
    .createIndex('idx_error_counts_group')
    .on('error_counts')
    .columns(['group_id', 'resolution', 'bucket_start'])
    .execute();
  await db.schema
    .createIndex('idx_error_counts_server')
    .on('error_counts')
    .columns(['server_id', 'resolution', 'bucket_start'])
    .execute();
}
