import type { Logger } from 'pino';
import { rollupsRepo, type Resolution } from '../../store/rollups-repo.js';
import type { Db } from '../../store/tables.js';
import { inBatches } from '../../store/in-batches.js';
import { usageRepo } from '../../store/usage-repo.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, floorTo } from './bucket.js';
import { pruneErrors } from '../../errors/index.js';
import { flushLog } from './flush-log-repo.js';
import { TIERS, defaultRetention, keepMs, type MetricsRetention } from '../read/tiers.js';
import { mergeRows } from '../read/merge-rows.js';
import { periodic } from '../../shared/periodic.js';

const BATCH = 5000;

/** Another instance rolled some of the same rows first: this batch is rolled back and the pass ends. */
class RolledElsewhere extends Error {}

/**
 * Rolls minute rows into hour rows for complete hours, then hour rows into day rows for complete
 * days. A row is marked `rolled` in the same transaction that writes what it went into, so a
 * pass is idempotent, a crash mid-pass loses or doubles nothing, and late rows (a flush retried
 * after the hour was rolled) go into an extra row for their hour, which readers merge.
 * `graceMs` leaves time for the last flush of a bucket to arrive.
 */
export async function rollUp(
  db: Db,
  now = Date.now(),
  graceMs = 2 * MINUTE_MS,
): Promise<{ hour: number; day: number }> {
  const hour = await rollTier(db, '1m', '1h', floorTo(now - graceMs, HOUR_MS));
  const day = await rollTier(db, '1h', '1d', floorTo(now - graceMs, DAY_MS));
  return { hour, day };
}

async function rollTier(db: Db, from: Resolution, to: Resolution, before: number): Promise<number> {
  const toMs = TIERS.find((t) => t.resolution === to)?.ms ?? DAY_MS;
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = await db.transaction().execute(async (trx) => {
        const rows = await rollupsRepo.pending(trx, from, before, BATCH);
        if (rows.length === 0) return 0;
        await rollupsRepo.insertMany(trx, mergeRows(rows, to, toMs));
        const marked = await rollupsRepo.markRolled(
          trx,
          rows.map((r) => r.id),
        );
        if (marked !== rows.length) throw new RolledElsewhere();
        return rows.length;
      });
    } catch (err) {
      if (err instanceof RolledElsewhere) return total;
      throw err;
    }
    total += n;
    if (n < BATCH) return total;
    await new Promise((r) => setImmediate(r));
  }
}

export interface PruneResult {
  minute: number;
  hour: number;
  day: number;
  errorSamples: number;
  errorCounts: number;
  errorGroups: number;
  usage: number;
  /** Ids of committed flushes (kept a day: a retry comes within minutes). */
  flushes: number;
}

/**
 * Deletes what is past retention, in batches of 5,000 with a pause between (never one giant
 * DELETE): '1m' after 48 h and '1h' after `metrics_retention_days` — only rows already rolled
 * into the next tier — '1d' after 400 days, errors as the errors part keeps them (samples
 * `error_retention_days`, groups 400 days), usage after `metrics_retention_days`, flush ids after a day.
 */
export async function pruneMetrics(
  db: Db,
  retention: MetricsRetention,
  now = Date.now(),
): Promise<PruneResult> {
  const tier = (r: Resolution) =>
    inBatches((n) => rollupsRepo.deleteOlderThan(db, r, now - keepMs(r, retention), n, r !== '1d'));
  return {
    minute: await tier('1m'),
    hour: await tier('1h'),
    day: await tier('1d'),
    ...(await pruneErrors(db, retention.errorRetentionDays, now)),
    usage: await inBatches((n) =>
      usageRepo.deleteOlderThan(db, now - retention.metricsRetentionDays * DAY_MS, n),
    ),
    flushes: await inBatches((n) => flushLog.deleteOlderThan(db, now - DAY_MS, n)),
  };
}

/**
 * Rolls up every 5 minutes and prunes every hour (first run after 10 s); returns a function that
 * stops it. Failures are logged and retried on the next run.
 */
export function startRollups(
  store: { readonly db: Db },
  log: Logger,
  retention: MetricsRetention = defaultRetention,
): () => void {
  let running = false;
  let lastPrune = 0;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const rolled = await rollUp(store.db);
      if (rolled.hour + rolled.day > 0) log.debug({ rolled }, 'metrics rolled up');
      if (Date.now() - lastPrune >= HOUR_MS) {
        const pruned = await pruneMetrics(store.db, retention);
        lastPrune = Date.now();
        if (Object.values(pruned).some((n) => n > 0)) log.info({ pruned }, 'old metrics pruned');
      }
    } catch (err) {
      log.error({ err: (err as Error).message }, 'metrics roll-up or pruning failed');
    } finally {
      running = false;
    }
  };
  return periodic(() => void run(), 5 * MINUTE_MS, 10_000);
}
