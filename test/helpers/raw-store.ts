import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PG_URL, type StoreTarget } from './stores.js';

/** A store's rows as a plain SQL client sees them, outside the monitor. */
export type Row = Record<string, unknown>;

export const sqliteFile = (t: StoreTarget): string => join(t.dataDir, 'mcp-health.db');

/** Runs `fn` with a plain client: better-sqlite3 on the file, or pg in the test's schema. */
export async function withRawStore<T>(
  t: StoreTarget,
  fn: (query: (text: string, params?: unknown[]) => Promise<Row[]>) => Promise<T>,
): Promise<T> {
  if (t.kind === 'sqlite') {
    const db = new Database(sqliteFile(t));
    try {
      return await fn((text, params = []) => {
        const stmt = db.prepare(text);
        return Promise.resolve(stmt.reader ? (stmt.all(...params) as Row[]) : (stmt.run(...params), []));
      });
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({
    connectionString: PG_URL,
    options: `-c search_path=${t.schema ?? 'public'}`,
  });
  await client.connect();
  try {
    return await fn(async (text, params = []) => {
      let n = 0;
      // The tests write SQLite's `?` placeholders; pg numbers them.
      const numbered = text.replace(/\?/g, () => `$${++n}`);
      return (await client.query(numbered, params)).rows as Row[];
    });
  } finally {
    await client.end();
  }
}

/** Every table's rows as text: where a secret must not appear. */
export async function everyRowAsText(t: StoreTarget): Promise<string> {
  return withRawStore(t, async (query) => {
    const tables =
      t.kind === 'sqlite'
        ? await query(`select name from sqlite_master where type = 'table'`)
        : await query(`select table_name as name from information_schema.tables where table_schema = ?`, [
            t.schema,
          ]);
    const texts: string[] = [];
    for (const { name } of tables) texts.push(JSON.stringify(await query(`select * from "${String(name)}"`)));
    return texts.join('\n');
  });
}

/** SQLite only: the database file's and its WAL's bytes, where a secret must not appear either. */
export function sqliteBytes(t: StoreTarget): Buffer {
  const file = sqliteFile(t);
  return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}
