/**
 * When a batch write fails because of one row's data (a value the store refuses), the batch is
 * written again a row at a time, each row in a savepoint of one transaction: the bad rows are
 * dropped and counted, the rest is written. A batch that failed for any other reason (the store
 * unreachable, the disk full) is not split: it is kept whole for the next try.
 */
import type { ControlledTransaction } from 'kysely';
import type { Database, Db } from './tables.js';

export type Trx = ControlledTransaction<Database>;

/** PostgreSQL data exceptions (22…), integrity and limits (23…, 54…); SQLite's per-value refusals. */
export function isRowError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (/^(22|23|54)[0-9A-Z]{3}$/.test(code)) return true;
  return /^SQLITE_(TOOBIG|MISMATCH|CONSTRAINT|RANGE)/.test(code);
}

/** Writes each item in a savepoint of `trx`; returns how many were refused for their data. */
export async function eachInSavepoint<T>(
  trx: Trx,
  items: readonly T[],
  write: (db: Db, item: T) => Promise<unknown>,
): Promise<number> {
  let refused = 0;
  for (const item of items) {
    const point = await trx.savepoint('row').execute();
    try {
      await write(point, item);
      await point.releaseSavepoint('row').execute();
    } catch (err) {
      if (!isRowError(err)) throw err;
      await point.rollbackToSavepoint('row').execute();
      await point.releaseSavepoint('row').execute();
      refused++;
    }
  }
  return refused;
}

/** Runs `work` in a controlled transaction: committed when it returns, rolled back when it throws. */
export async function inTransaction<R>(
  db: { startTransaction(): { execute(): Promise<Trx> } },
  work: (trx: Trx) => Promise<R>,
): Promise<R> {
  const trx = await db.startTransaction().execute();
  try {
    const result = await work(trx);
    await trx.commit().execute();
    return result;
  } catch (err) {
    await trx.rollback().execute();
    throw err;
  }
}
