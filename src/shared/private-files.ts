import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/** What `ensurePrivateDir` found: `loose` when it could not tighten a folder it does not own. */
export type PrivateDir = 'created' | 'tightened' | 'private' | 'loose';

const looser = (mode: number, wanted: number): boolean => (mode & 0o777 & ~wanted) !== 0;

/** The data folder holds the store and the key: readable by its owner only (0700). */
export function ensurePrivateDir(dir: string): PrivateDir {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return 'created';
  }
  if (!looser(statSync(dir).mode, 0o700)) return 'private';
  try {
    chmodSync(dir, 0o700);
    return 'tightened';
  } catch {
    return 'loose';
  }
}

/**
 * Creates `path` empty with mode 0600 when absent, or tightens it; `create: false` only
 * tightens a file that exists (SQLite's -wal and -shm, which take the database file's mode).
 */
export function ensurePrivateFile(path: string, create = true): void {
  if (create) closeSync(openSync(path, 'a', 0o600));
  else if (!existsSync(path)) return;
  if (looser(statSync(path).mode, 0o600)) chmodSync(path, 0o600);
}
