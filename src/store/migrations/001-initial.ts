import type { Kysely } from 'kysely';
import type { Dialect } from '../tables.js';
import { autoId, epochMs } from './column-types.js';

/** The seed's five tables with their indexes, plus the server registry, events and the audit log. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = epochMs(dialect);
  await db.schema
    .createTable('servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('overrides', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled_until', ms)
    .addColumn('disabled_reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('status_reason', 'text')
    .addColumn('last_check', ms)
    .addColumn('response_time_ms', 'double precision')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('protocol_version', 'text')
    .addColumn('server_info', 'text')
    .addColumn('capabilities', 'text')
    .addColumn('tool_count', 'integer')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await autoId(db.schema.createTable('server_health'), dialect)
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('server_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('endpoint_url', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('last_check', ms, (c) => c.notNull())
    .addColumn('response_time_ms', 'double precision')
    .addColumn('error_message', 'text')
    .addColumn('metadata', 'text')
    .execute();
  await db.schema
    .createIndex('idx_server_status')
    .on('server_health')
    .columns(['server_id', 'status'])
    .execute();
  await db.schema.createIndex('idx_last_check').on('server_health').column('last_check').execute();
  await db.schema
    .createIndex('idx_server_health_server_time')
    .on('server_health')
    .columns(['server_id', 'last_check'])
    .execute();

  await autoId(db.schema.createTable('server_metrics'), dialect)
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('metric_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('metric_value', 'double precision', (c) => c.notNull())
    .addColumn('tags', 'text')
    .addColumn('timestamp', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('idx_server_time')
    .on('server_metrics')
    .columns(['server_id', 'timestamp'])
    .execute();
  await db.schema
    .createIndex('idx_metric_time')
    .on('server_metrics')
    .columns(['metric_name', 'timestamp'])
    .execute();

  await autoId(db.schema.createTable('error_events'), dialect)
    .addColumn('server_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('endpoint', 'varchar(255)')
    .addColumn('error_type', 'varchar(100)')
    .addColumn('error_message', 'text')
    .addColumn('stack_trace', 'text')
    .addColumn('request_id', 'varchar(100)')
    .addColumn('client_info', 'text')
    .addColumn('timestamp', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('idx_server_errors')
    .on('error_events')
    .columns(['server_id', 'timestamp'])
    .execute();
  await db.schema
    .createIndex('idx_error_type')
    .on('error_events')
    .columns(['error_type', 'timestamp'])
    .execute();

  await autoId(db.schema.createTable('alert_rules'), dialect)
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('metric_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('condition', 'varchar(20)', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('evaluation_period', 'integer', (c) => c.notNull())
    .addColumn('servers', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await autoId(db.schema.createTable('alert_history'), dialect)
    .addColumn('rule_id', 'integer', (c) => c.references('alert_rules.id'))
    .addColumn('server_id', 'varchar(255)')
    .addColumn('triggered_at', ms, (c) => c.notNull())
    .addColumn('resolved_at', ms)
    .addColumn('metric_value', 'double precision')
    .addColumn('notification_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('idx_triggered').on('alert_history').column('triggered_at').execute();
  await db.schema
    .createIndex('idx_server_alerts')
    .on('alert_history')
    .columns(['server_id', 'triggered_at'])
    .execute();

  await autoId(db.schema.createTable('events'), dialect)
    .addColumn('server_id', 'varchar(255)')
    .addColumn('kind', 'varchar(50)', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .addColumn('at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idx_events_server_time').on('events').columns(['server_id', 'at']).execute();
  await db.schema.createIndex('idx_events_time').on('events').column('at').execute();

  await autoId(db.schema.createTable('audit_log'), dialect)
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('action', 'varchar(100)', (c) => c.notNull())
    .addColumn('target', 'varchar(255)')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('idx_audit_time').on('audit_log').column('at').execute();
}
