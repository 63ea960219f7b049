import type { Logger } from 'pino';
import { checksRepo } from './checks-repo.js';
import type { Store } from './open-store.js';

const DAY_MS = 24 * 3600 * 1000;
const BATCH = 5000;

/**
 * Deletes check rows older than the retention in small batches (never one giant DELETE),
 * yielding between batches so that checks keep being written meanwhile.
 */
export async function pruneChecks(store: Store, retentionDays: number, now = Date.now()): Promise<number> {
  const before = now - retentionDays * DAY_MS;
  let total = 0;
  for (;;) {
    const n = await checksRepo.deleteOlderThan(store.db, before, BATCH);
    total += n;
    if (n < BATCH) return total;
    await new Promise((r) => setImmediate(r));
  }
}

/** Runs `pruneChecks` now and then every hour; returns a function that stops it. */
export function startRetention(store: Store, retentionDays: number, log: Logger): () => void {
  const run = () =>
    pruneChecks(store, retentionDays).then(
      (n) => n > 0 && log.info({ deleted: n, retention_days: retentionDays }, 'old checks pruned'),
      (err: unknown) => log.error({ err: (err as Error).message }, 'pruning old checks failed'),
    );
  const timer = setInterval(() => void run(), 3600 * 1000);
  timer.unref();
  const first = setTimeout(() => void run(), 10_000);
  first.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(first);
  };
}
