/**
 * Past events (backfill, DESIGN §11): an event lands in the finest tier that still keeps its
 * time — a minute row within the minute tier's 48 h, an hour row within `metrics_retention_days`,
 * a day row within the day tier's 400 days — and is rolled up from there as live rows are. A
 * minute row for a week-old event would only be rolled and pruned, and a backfill of weeks in
 * minutes would fill the aggregator's memory bound with buckets that are hours at heart.
 */
import type { Resolution } from '../../store/rollups-repo.js';
import { keepMs, type MetricsRetention } from '../read/tiers.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './bucket.js';

/** The oldest instants the minute and hour tiers keep, as of one moment. */
export interface TierCutoffs {
  minute: number;
  hour: number;
}

export const cutoffsAt = (now: number, retention: MetricsRetention): TierCutoffs => ({
  minute: now - keepMs('1m', retention),
  hour: now - keepMs('1h', retention),
});

/** The tier an event at `t` is written to. */
export const tierOf = (t: number, c: TierCutoffs): Resolution =>
  t >= c.minute ? '1m' : t >= c.hour ? '1h' : '1d';

/** The length of each tier's buckets. */
export const tierMs: Record<Resolution, number> = { '1m': MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS };
