import type { Logger } from 'pino';
import { checkRollupsRepo, type CheckResolution } from './check-rollups-repo.js';
import { checksRepo } from './checks-repo.js';
import { inBatches } from './in-batches.js';
import type { Store } from './open-store.js';
import { periodic } from '../shared/periodic.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Deletes check rows older than the retention in small batches (never one giant DELETE),
 * yielding between batches so that checks keep being written meanwhile.
 */
export async function pruneChecks(store: Store, retentionDays: number, now = Date.now()): Promise<number> {
  return inBatches((batch) => checksRepo.deleteOlderThan(store.db, now - retentionDays * DAY_MS, batch));
}

/** Gauge samples (`server_metrics`) past the retention, the same way. */
export async function pruneGauges(store: Store, retentionDays: number, now = Date.now()): Promise<number> {
  const before = now - retentionDays * DAY_MS;
  return inBatches(async (batch) => {
    const ids = store.db
      .selectFrom('server_metrics')
      .select('id')
      .where('timestamp', '<', before)
      .limit(batch);
    const result = await store.db.deleteFrom('server_metrics').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}

/** How long each tier of the uptime roll-ups is kept: minutes 48 h, hours as the checks, days 400 days (status pages show 90). */
export const checkRollupKeepMs = (resolution: CheckResolution, retentionDays: number): number =>
  resolution === '1m' ? 2 * DAY_MS : resolution === '1h' ? retentionDays * DAY_MS : 400 * DAY_MS;

/** The uptime roll-ups past their tier's keep, the same way. */
export async function pruneCheckRollups(
  store: Store,
  retentionDays: number,
  now = Date.now(),
): Promise<number> {
  let total = 0;
  for (const resolution of ['1m', '1h', '1d'] as const) {
    const before = now - checkRollupKeepMs(resolution, retentionDays);
    total += await inBatches((batch) =>
      checkRollupsRepo.deleteOlderThan(store.db, resolution, before, batch),
    );
  }
  return total;
}

/** Prunes checks and gauges soon after start, then every hour; returns a function that stops it. */
export function startRetention(store: Store, retentionDays: number, log: Logger): () => void {
  const run = () =>
    Promise.all([
      pruneChecks(store, retentionDays),
      pruneGauges(store, retentionDays),
      pruneCheckRollups(store, retentionDays),
    ]).then(
      ([checks, gauges, uptime]) =>
        checks + gauges + uptime > 0 &&
        log.info(
          { checks, gauges, uptime_rows: uptime, retention_days: retentionDays },
          'old checks, gauges and uptime rows pruned',
        ),
      (err: unknown) => log.error({ err: (err as Error).message }, 'pruning old checks failed'),
    );
  return periodic(() => void run(), 3600 * 1000, 10_000);
}
