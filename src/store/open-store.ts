import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase as KyselySqlite } from 'kysely';
import pg from 'pg';
import { migrate } from './migrate.js';
import { ensurePrivateDir, ensurePrivateFile } from '../shared/private-files.js';
import { StoreHealth } from './store-health.js';
import type { Database, Db, Dialect } from './tables.js';

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Where the data lives, for logs: a file path or the PostgreSQL host/database (never the password). */
  location: string;
  /** True when a trivial query answers (for /readyz). */
  ping(): Promise<boolean>;
  /** Whether writes go through (false while the disk is full), as the periodic writers find out. */
  health: StoreHealth;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://...` selects PostgreSQL; otherwise SQLite under `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL only: run in this schema (created if missing) — used to isolate test runs. */
  schema?: string | undefined;
  /**
   * SQLite only: fail when another process has the file open (a running monitor), and keep it
   * to this process until closed (commands that must not run beside a monitor).
   */
  exclusive?: boolean;
}

// bigint (epoch ms, bigserial ids) fits a JS number for the next 280,000 years.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

function describePg(url: string): string {
  const u = new URL(url);
  return `postgres://${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const { databaseUrl, dataDir, schema } = options;
  if (databaseUrl) {
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    pool.on('error', () => undefined); // an idle client's error surfaces on the next query instead
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrate(db as Kysely<unknown>, 'postgres', schema);
    } catch (err) {
      await db.destroy();
      throw new Error(
        `cannot open PostgreSQL store at ${describePg(databaseUrl)}: ${(err as Error).message}`,
      );
    }
    return wrap(db, 'postgres', describePg(databaseUrl));
  }
  ensurePrivateDir(dataDir);
  const file = join(dataDir, 'mcp-health.db');
  // SQLite gives the -wal and -shm files the database file's mode.
  for (const [path, create] of [
    [file, true],
    [`${file}-wal`, false],
    [`${file}-shm`, false],
  ] as const)
    ensurePrivateFile(path, create);
  const sqlite = new SqliteDatabase(file);
  if (options.exclusive) claimExclusively(sqlite, file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
  await migrate(db as Kysely<unknown>, 'sqlite');
  return wrap(db, 'sqlite', file);
}

/**
 * In WAL mode every connection holds a shared lock while open; a connection in exclusive locking
 * mode gets its write lock only when no other process has the file open.
 */
function claimExclusively(sqlite: SqliteDatabase.Database, file: string): void {
  sqlite.pragma('locking_mode = EXCLUSIVE');
  sqlite.pragma('busy_timeout = 0');
  try {
    sqlite.exec('begin exclusive; commit');
  } catch (err) {
    sqlite.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new Error(`${file} is open in another process (a running monitor?): stop it first`);
  }
}

/**
 * Kysely prepares every statement it runs; here a statement whose SQL text was seen lately
 * (every full 500-row insert chunk of a flush, a dashboard's repeated reads) is prepared once —
 * parsing a 6,500-parameter insert cost as much as running it. Safe because better-sqlite3 runs
 * one statement at a time and nothing here streams rows (a statement mid-`iterate` is busy).
 */
function preparedOnce(sqlite: SqliteDatabase.Database, max = 100): KyselySqlite {
  const cache = new Map<string, SqliteDatabase.Statement>();
  // SQLite ends a transaction itself on some errors (SQLITE_FULL): Kysely's ROLLBACK then failed
  // with "cannot rollback - no transaction is active", which hid the real cause.
  const rollback = sqlite.prepare('rollback');
  const rollbackIfOpen = {
    reader: false,
    run: () => (sqlite.inTransaction ? rollback.run() : { changes: 0, lastInsertRowid: 0 }),
  };
  return {
    close: () => sqlite.close(),
    prepare(source) {
      // safe because: Kysely's SQLite driver only reads `reader` and calls `run` on a non-reader.
      if (source === 'rollback') return rollbackIfOpen as unknown as SqliteDatabase.Statement;
      const stmt = cache.get(source) ?? sqlite.prepare(source);
      cache.delete(source); // re-inserted last: the map's order is the least recently used first
      cache.set(source, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value ?? source);
      return stmt;
    },
  };
}

function wrap(db: Db, dialect: Dialect, location: string): Store {
  return {
    db,
    dialect,
    location,
    health: new StoreHealth(),
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
