import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

/** Held while a monitor runs on an SQLite data folder; released when it stops (or its process dies). */
export interface InstanceLock {
  release(): void;
}

/**
 * One monitor per SQLite data folder: two would each probe every server and send every
 * notification, on a file only one process should write (several instances need PostgreSQL,
 * docs/ARCHITECTURE.md). The lock is an exclusive SQLite lock on a file of its own — an OS lock
 * (fcntl), so the kernel drops it when the holder dies, even by kill -9: no stale lock file to
 * clean up. The main database stays readable by other tools. `mcp-health.pid` says who holds it,
 * for the message.
 */
export function lockDataDir(dataDir: string): InstanceLock {
  const file = join(dataDir, 'mcp-health.lock');
  const pidFile = join(dataDir, 'mcp-health.pid');
  const db = new SqliteDatabase(file);
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('busy_timeout = 0');
    // A write takes the exclusive lock, and in this mode the connection keeps it until closed.
    db.exec('create table if not exists holder (pid integer); delete from holder');
    db.prepare('insert into holder (pid) values (?)').run(process.pid);
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new Error(
      `another mcp-health${holderOf(pidFile)} is running on the data folder ${dataDir}: stop it first, ` +
        'or give this one its own data_dir (several instances on one store need PostgreSQL: database_url)',
    );
  }
  writeFileSync(pidFile, `${process.pid} ${new Date().toISOString()}\n`, { mode: 0o600 });
  return { release: () => db.close() };
}

function holderOf(pidFile: string): string {
  try {
    const [pid, since] = readFileSync(pidFile, 'utf8').trim().split(' ');
    return pid ? ` (pid ${pid}${since ? `, since ${since}` : ''})` : '';
  } catch {
    return '';
  }
}
