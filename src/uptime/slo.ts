import type { Slo } from '../model/server.js';
import type { UptimeSums } from '../store/check-rollups-repo.js';

/** How much of an SLO's error budget is left over its window. */
export interface ErrorBudget {
  /** 100 untouched, 0 spent, negative overspent; null with nothing counted. */
  remainingPercent: number | null;
  /** The downtime still allowed in the time counted so far (negative when overspent). */
  remainingSeconds: number | null;
}

/** The allowed share of down time: 0.001 for a 99.9 % target. */
export const allowedDown = (slo: Slo): number => 1 - slo.target / 100;

export function errorBudget(slo: Slo, sums: UptimeSums | undefined): ErrorBudget {
  const counted = sums ? sums.upMs + sums.downMs : 0;
  if (!sums || counted === 0) return { remainingPercent: null, remainingSeconds: null };
  const allowedMs = allowedDown(slo) * counted;
  return {
    remainingPercent: (1 - sums.downMs / allowedMs) * 100,
    remainingSeconds: (allowedMs - sums.downMs) / 1000,
  };
}

/**
 * The rate the budget burns at over a window: the share of time down over the share allowed
 * (1 spends the budget exactly over the SLO window, 14.4 spends 2 % of 30 days in an hour).
 */
export function burnRate(slo: Slo, sums: UptimeSums | undefined): number | null {
  const counted = sums ? sums.upMs + sums.downMs : 0;
  if (!sums || counted === 0) return null;
  return sums.downMs / counted / allowedDown(slo);
}

/**
 * The SRE workbook's multiwindow, multi-burn-rate pairs (chapter 5, table 5-8): a long window
 * that says the budget is really burning and a short one (1/12 of it) that says it still is, so
 * an alert both fires fast and resolves fast. A rule on `slo_burn_rate` takes the pair of its
 * threshold: 14.4× or more reads 1 h and 5 min (2 % of a 30-day budget in an hour, paging),
 * 6× or more 6 h and 30 min (5 % in six hours), less than that 3 days and 6 h (10 % in 3 days, a
 * ticket). Its value is the lower of the two burn rates: over the threshold only when both are.
 */
export const BURN_PAIRS = [
  { from: 14.4, longMs: 3_600_000, shortMs: 300_000 },
  { from: 6, longMs: 6 * 3_600_000, shortMs: 1_800_000 },
  { from: -Infinity, longMs: 3 * 86_400_000, shortMs: 6 * 3_600_000 },
] as const;

export type BurnPair = (typeof BURN_PAIRS)[number];

export const burnPairFor = (threshold: number): BurnPair =>
  BURN_PAIRS.find((p) => threshold >= p.from) ?? BURN_PAIRS[BURN_PAIRS.length - 1] ?? BURN_PAIRS[0];
