import { inBatches } from '../store/in-batches.js';
import type { Db } from '../store/tables.js';
import { errorsRetentionRepo as repo } from './store/retention-repo.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Groups and their daily counts are kept this long, whatever `error_retention_days` says (issue 12). */
export const GROUP_RETENTION_DAYS = 400;

export interface ErrorsPruned {
  errorSamples: number;
  errorCounts: number;
  errorGroups: number;
}

/**
 * Deletes, in batches of 5,000 (never one giant DELETE): samples older than
 * `error_retention_days`; minute counts after 48 h, hour counts after `error_retention_days`, day
 * counts after 400 days; groups last seen 400 days ago (their samples and counts went before).
 */
export async function pruneErrors(
  db: Db,
  errorRetentionDays: number,
  now = Date.now(),
): Promise<ErrorsPruned> {
  const samplesBefore = now - errorRetentionDays * DAY_MS;
  const groupsBefore = now - GROUP_RETENTION_DAYS * DAY_MS;
  const errorSamples = await inBatches((n) => repo.samplesBefore(db, samplesBefore, n));
  const errorCounts =
    (await inBatches((n) => repo.countsBefore(db, '1m', now - 48 * HOUR_MS, n))) +
    (await inBatches((n) => repo.countsBefore(db, '1h', samplesBefore, n))) +
    (await inBatches((n) => repo.countsBefore(db, '1d', groupsBefore, n)));
  const errorGroups = await inBatches((n) => repo.groupsLastSeenBefore(db, groupsBefore, n));
  return { errorSamples, errorCounts, errorGroups };
}
