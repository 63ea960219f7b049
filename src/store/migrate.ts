import { sql, type Kysely } from 'kysely';
import type { Dialect } from './tables.js';
import * as initial from './migrations/001-initial.js';
import * as traffic from './migrations/002-traffic.js';
import * as alerts from './migrations/003-alerts.js';
import * as alertActions from './migrations/004-alert-actions.js';
import * as queryIndexes from './migrations/005-query-indexes.js';
import * as serverTotals from './migrations/006-server-totals.js';
import * as idInServerIndexes from './migrations/007-id-in-server-indexes.js';
import * as usageToolErrors from './migrations/008-usage-tool-errors.js';
import * as notifications from './migrations/010-notifications.js';
import * as errorGroups from './migrations/011-error-groups.js';
import * as incidents from './migrations/012-incidents.js';
import * as capacity from './migrations/013-capacity.js';
import * as statusPages from './migrations/014-status-pages.js';
import * as maintenance from './migrations/015-maintenance.js';
import * as users from './migrations/016-users.js';
import * as federation from './migrations/017-federation.js';
import * as cluster from './migrations/018-cluster.js';

type DialectMigration = { up: (db: Kysely<unknown>, dialect: Dialect) => Promise<void> };

/** Versioned migrations, in order; a new one is a new file and a new line here. */
const migrations: [string, DialectMigration][] = [
  ['001-initial', initial],
  ['002-traffic', traffic],
  ['003-alerts', alerts],
  ['004-alert-actions', alertActions],
  ['005-query-indexes', queryIndexes],
  ['006-server-totals', serverTotals],
  ['007-id-in-server-indexes', idInServerIndexes],
  ['008-usage-tool-errors', usageToolErrors],
  ['010-notifications', notifications],
  ['011-error-groups', errorGroups],
  ['012-incidents', incidents],
  ['013-capacity', capacity],
  ['014-status-pages', statusPages],
  ['015-maintenance', maintenance],
  ['016-users', users],
  ['017-federation', federation],
  ['018-cluster', cluster],
];

/** The table of applied migrations; Kysely's Migrator named it so, and stores made by it still open. */
const APPLIED = 'kysely_migration';

/** Any constant: PostgreSQL advisory lock taken while migrating, so two monitors starting together take turns. */
const PG_LOCK = 4_242_017;

/**
 * Runs the migrations not yet applied (creating the PostgreSQL `schema` first when one is given),
 * all in one transaction (both dialects have transactional
 * DDL), so a failed start leaves the store as it was. Hand-written rather than Kysely's Migrator:
 * that one introspects every table of every schema in the database at each start, which is slow
 * on a shared PostgreSQL and fails when another schema is dropped at the same moment.
 */
export async function migrate(db: Kysely<unknown>, dialect: Dialect, schema?: string): Promise<void> {
  let current = '';
  try {
    await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_LOCK})`.execute(trx);
      // Under the lock: two starts creating one schema would otherwise collide.
      if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
      await sql`create table if not exists ${sql.table(APPLIED)} (name varchar(255) primary key, timestamp varchar(255) not null)`.execute(
        trx,
      );
      const { rows } = await sql<{ name: string }>`select name from ${sql.table(APPLIED)}`.execute(trx);
      const applied = new Set(rows.map((r) => r.name));
      for (const [name, migration] of migrations) {
        if (applied.has(name)) continue;
        current = name;
        await migration.up(trx, dialect);
        await sql`insert into ${sql.table(APPLIED)} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
          trx,
        );
      }
    });
  } catch (err) {
    throw new Error(`migration ${current || '(bookkeeping)'} failed: ${(err as Error).message}`);
  }
}
