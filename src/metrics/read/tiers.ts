import type { Resolution } from '../../store/rollups-repo.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, floorTo } from '../aggregate/bucket.js';

/** How long each tier is kept (DESIGN §2); the hour tier follows `metrics_retention_days`. */
export interface MetricsRetention {
  metricsRetentionDays: number;
  errorRetentionDays: number;
}

export const defaultRetention: MetricsRetention = { metricsRetentionDays: 30, errorRetentionDays: 90 };

export interface Tier {
  resolution: Resolution;
  ms: number;
  /** Finer tiers whose rows not yet rolled up into this one are read with it. */
  finer: Resolution[];
}

export const TIERS: readonly Tier[] = [
  { resolution: '1m', ms: MINUTE_MS, finer: [] },
  { resolution: '1h', ms: HOUR_MS, finer: ['1m'] },
  { resolution: '1d', ms: DAY_MS, finer: ['1m', '1h'] },
];

/** The day tier's keep (capacity planning): also the oldest an ingested event may be. */
export const DAY_TIER_DAYS = 400;

export function keepMs(resolution: Resolution, r: MetricsRetention): number {
  if (resolution === '1m') return 48 * HOUR_MS;
  if (resolution === '1h') return r.metricsRetentionDays * DAY_MS;
  return DAY_TIER_DAYS * DAY_MS;
}

/** What a query reads: one tier, points every `stepMs` (a multiple of the tier) over [start, end). */
export interface Plan {
  tier: Tier;
  stepMs: number;
  start: number;
  end: number;
}

/**
 * Chooses the tier and step for [from, to) so that there are at most `maxPoints` points: the
 * coarsest tier no coarser than the step that still holds `earliest` (the start of the oldest
 * range read: `from`, or a week before with a comparison), else the finest that holds it.
 */
export function planSeries(
  range: { from: number; to: number; maxPoints: number; now: number; earliest?: number },
  retention: MetricsRetention,
): Plan {
  const { from, to, now } = range;
  const maxPoints = Math.max(1, Math.floor(range.maxPoints));
  const earliest = range.earliest ?? from;
  const rawStep = Math.max(1, to - from) / maxPoints;
  // One bucket of slack: "the last 30 days" on a 30-day tier keeps its hourly points (the
  // oldest bucket may be half pruned) instead of falling to daily ones.
  const usable = TIERS.filter((t) => floorTo(earliest, t.ms) + t.ms >= now - keepMs(t.resolution, retention));
  const fitting = usable.filter((t) => t.ms <= rawStep);
  // safe because TIERS is a non-empty constant
  const coarsest = TIERS[TIERS.length - 1] as Tier;
  const tier = fitting[fitting.length - 1] ?? usable[0] ?? coarsest;
  let stepMs = Math.max(1, Math.ceil(rawStep / tier.ms)) * tier.ms;
  for (;;) {
    const start = floorTo(from, stepMs);
    const points = Math.ceil((to - start) / stepMs);
    if (points <= maxPoints) return { tier, stepMs, start, end: start + Math.max(1, points) * stepMs };
    stepMs += tier.ms;
  }
}

/** The plan for one aggregate over [from, to): about 24 or more buckets, so the edges cost at most ~4%. */
export const planRange = (
  range: { from: number; to: number; now: number },
  retention: MetricsRetention,
): Plan => {
  const p = planSeries({ ...range, maxPoints: 24 }, retention);
  const start = floorTo(range.from, p.tier.ms);
  const end = Math.ceil(range.to / p.tier.ms) * p.tier.ms;
  return { tier: p.tier, stepMs: end - start, start, end };
};
