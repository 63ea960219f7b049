import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './tables.js';
import * as initial from './migrations/001-initial.js';
import * as traffic from './migrations/002-traffic.js';
import * as alerts from './migrations/003-alerts.js';
import * as alertActions from './migrations/004-alert-actions.js';
import * as queryIndexes from './migrations/005-query-indexes.js';

type DialectMigration = { up: (db: Kysely<unknown>, dialect: Dialect) => Promise<void> };

/** Versioned migrations, in order; a new one is a new file and a new line here. */
const migrations: Record<string, DialectMigration> = {
  '001-initial': initial,
  '002-traffic': traffic,
  '003-alerts': alerts,
  '004-alert-actions': alertActions,
  '005-query-indexes': queryIndexes,
};

export async function migrate(db: Kysely<unknown>, dialect: Dialect, schema?: string): Promise<void> {
  const provided: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(migrations)) provided[name] = { up: (d) => m.up(d, dialect) };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(provided) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed)
    throw new Error(
      `migration ${failed?.migrationName ?? ''} failed: ${String((error as Error | undefined)?.message ?? error)}`,
    );
}
