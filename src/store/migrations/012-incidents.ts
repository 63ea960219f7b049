import { type Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { autoId, epochMs } from './column-types.js';

/**
 * Incidents (DESIGN §10, issue 12): a spell of trouble on a server, opened by the incidents part
 * when its error rate or an error group spikes over its baseline or an alert fires, closed when it
 * falls back. It keeps what similar-incident search compares (the fingerprint set, the affected
 * servers, endpoints and clients, the error-rate shape: JSON arrays, at most a few hundred
 * entries) and how it was fixed (`resolution_note`). Kept 400 days. Table type: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);
  await autoId(db.schema.createTable('incidents'), dialect)
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('cause', 'varchar(20)', (c) => c.notNull())
    .addColumn('title', 'varchar(500)', (c) => c.notNull())
    .addColumn('opened_at', ms, (c) => c.notNull())
    .addColumn('closed_at', ms)
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('baseline_rate', 'double precision')
    .addColumn('peak_rate', 'double precision')
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fingerprints', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('group_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('servers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('endpoints', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('clients', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('shape', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('shape_from', ms, (c) => c.notNull())
    .addColumn('shape_step_ms', 'integer', (c) => c.notNull())
    .addColumn('alert_history_id', 'integer')
    .addColumn('calm_evaluations', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolution_note', 'text')
    .addColumn('resolved_by', 'varchar(20)')
    .execute();
  // The list by time; a server's open incident.
  await db.schema.createIndex('idx_incidents_opened').on('incidents').column('opened_at').execute();
  await db.schema
    .createIndex('idx_incidents_server')
    .on('incidents')
    .columns(['server_id', 'status'])
    .execute();
}
