import { type Kysely } from 'kysely';

/**
 * Alerting, second part (issue 5): where a rule comes from (`api` or the config file), why a
 * history entry resolved and the name of its rule, and which silence or silence action held a notification back.
 * Table types: src/store/tables.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('alert_rules')
    .addColumn('source', 'varchar(20)', (c) => c.notNull().defaultTo('api'))
    .execute();
  await db.schema.alterTable('alert_history').addColumn('resolved_reason', 'varchar(30)').execute();
  // The rule's name when it fired: history outlives a deleted rule (whose id is then cleared,
  // the seed's foreign key having no ON DELETE).
  await db.schema.alterTable('alert_history').addColumn('rule_name', 'varchar(255)').execute();
  await db.schema.alterTable('alert_notifications').addColumn('silence_id', 'integer').execute();
  await db.schema.alterTable('alert_notifications').addColumn('action_id', 'integer').execute();
}
