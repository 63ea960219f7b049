import { COUNT_TIERS, type CountResolution } from '../store/write-repo.js';
import type { CountRange } from '../store/read-repo.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** How long each tier of `error_counts` is kept (retention.ts prunes by the same). */
export function keptMs(resolution: CountResolution, errorRetentionDays: number): number {
  if (resolution === '1m') return 48 * HOUR_MS;
  if (resolution === '1h') return errorRetentionDays * DAY_MS;
  return 400 * DAY_MS;
}

const floorTo = (t: number, ms: number): number => Math.floor(t / ms) * ms;

/** The tiers that still hold `from` (one bucket of slack: the oldest may be half pruned). */
function holding(from: number, now: number, errorRetentionDays: number) {
  return COUNT_TIERS.filter(([r, ms]) => floorTo(from, ms) + ms >= now - keptMs(r, errorRetentionDays));
}

/**
 * The rows that answer "errors in [from, to)": the finest tier that holds `from` and reads at most
 * 200 buckets (six hours of minutes are 360: hours then), widened to whole buckets.
 */
export function rangeFor(from: number, to: number, now: number, errorRetentionDays: number): CountRange {
  const usable = holding(from, now, errorRetentionDays);
  const [resolution, ms] =
    usable.find(([, ms]) => (to - from) / ms <= 200) ?? usable[usable.length - 1] ?? COUNT_TIERS[2];
  return { resolution, from: floorTo(from, ms), to: Math.ceil(to / ms) * ms };
}

/** Steps of a trend: a tier and a step (a multiple of it) so that there are at most `maxPoints`. */
export interface TrendPlan extends CountRange {
  stepMs: number;
}

export function planTrend(
  from: number,
  to: number,
  now: number,
  errorRetentionDays: number,
  maxPoints: number,
): TrendPlan {
  const rawStep = Math.max(1, to - from) / Math.max(1, maxPoints);
  const usable = holding(from, now, errorRetentionDays);
  const fitting = usable.filter(([, ms]) => ms <= rawStep);
  const [resolution, ms] = fitting[fitting.length - 1] ?? usable[0] ?? COUNT_TIERS[2];
  let stepMs = Math.max(1, Math.ceil(rawStep / ms)) * ms;
  const start = floorTo(from, ms);
  while (Math.ceil((to - start) / stepMs) > maxPoints) stepMs += ms;
  return {
    resolution,
    from: start,
    to: start + Math.max(1, Math.ceil((to - start) / stepMs)) * stepMs,
    stepMs,
  };
}
