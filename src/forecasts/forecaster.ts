/**
 * Forecasts of a server's or the fleet's metric (DESIGN §11): the history read per hour (per day for
 * horizons beyond a week) through the metrics front door, its gaps filled, too short a history
 * answered as such, the fit done in the worker and kept for the hour.
 */
import { DAY_TIER_DAYS, stepSeries, type StepMetric, type StepPoint } from '../metrics/index.js';
import type { Db } from '../store/tables.js';
import type { ForecastAnswer, ForecastMetric, ForecastQuery } from './answer.js';
import { HourCache } from './cache.js';
import { FitQueue } from './fit-queue.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Where each metric is read, what a step without data means, and its bounds. */
const METRICS = {
  requests: { read: 'requests', gap: 'zero', max: Infinity },
  p95: { read: 'latency_p95', gap: 'interpolate', max: Infinity },
  error_rate: { read: 'error_rate', gap: 'interpolate', max: 100 },
  connections: { read: 'active_connections', gap: 'interpolate', max: Infinity },
  cpu: { read: 'cpu', gap: 'interpolate', max: Infinity },
  memory: { read: 'memory', gap: 'interpolate', max: Infinity },
} as const satisfies Record<ForecastMetric, { read: StepMetric; gap: 'zero' | 'interpolate'; max: number }>;

/** Per step: how far back the history goes, how much is needed, the candidate periods, a week. */
const STEPS = {
  // four weeks of hours: enough for a weekly cycle, and a fit in tens of milliseconds
  '1h': { ms: HOUR_MS, historyMs: 28 * DAY_MS, neededHours: 48, periods: [24, 168], week: 168 },
  '1d': { ms: DAY_MS, historyMs: DAY_TIER_DAYS * DAY_MS, neededHours: 14 * 24, periods: [7], week: 7 },
} as const;

/** The history from its first step with data, gaps filled: 0 requests, else a line between the neighbours. */
export function filled(points: StepPoint[], gap: 'zero' | 'interpolate'): { t: number; value: number }[] {
  const first = points.findIndex((p) => p.value !== null);
  if (first < 0) return [];
  const kept = points.slice(first);
  const v = kept.map((p) => p.value ?? (gap === 'zero' ? 0 : NaN));
  let last = 0; // the last step with a value; the first one has one
  for (let i = 1; i < v.length; i++) {
    if (!Number.isNaN(v[i])) {
      last = i;
      continue;
    }
    let next = i;
    while (next < v.length && Number.isNaN(v[next])) next++;
    const a = v[last] ?? 0;
    const b = next < v.length ? (v[next] ?? a) : a; // a gap at the end holds the last value
    for (let j = i; j < next; j++) v[j] = a + ((b - a) * (j - last)) / (next - last);
    i = next - 1;
  }
  return kept.map((p, i) => ({ t: p.t, value: v[i] ?? 0 }));
}

export class Forecasts {
  private readonly fits: FitQueue;
  private readonly cache = new HourCache<ForecastAnswer>();

  constructor(private readonly deps: { db: () => Db; now?: () => number; fitTimeoutMs?: number }) {
    this.fits = new FitQueue({ timeoutMs: deps.fitTimeoutMs });
  }

  forecast(q: ForecastQuery): Promise<ForecastAnswer> {
    const now = (this.deps.now ?? Date.now)();
    const key = [q.serverId ?? '', q.metric, q.horizonHours, q.level].join('\u0000');
    return this.cache.get(key, Math.floor(now / HOUR_MS), () => this.make(q, now));
  }

  private async make(q: ForecastQuery, now: number): Promise<ForecastAnswer> {
    const stepName = q.horizonHours > 168 ? '1d' : '1h';
    const step = STEPS[stepName];
    const metric = METRICS[q.metric];
    const end = Math.floor(now / step.ms) * step.ms; // complete steps only
    const points = await stepSeries(this.deps.db(), {
      serverId: q.serverId,
      metric: metric.read,
      step: stepName,
      from: end - step.historyMs,
      to: end,
    });
    const history = filled(points, metric.gap);
    const scope = { server: q.serverId ?? null, metric: q.metric, step: stepName } as const;
    const haveHours = (history.length * step.ms) / HOUR_MS;
    if (haveHours < step.neededHours)
      return {
        ...scope,
        status: 'not_enough_history',
        needed_hours: step.neededHours,
        have_hours: haveHours,
        message: `a forecast needs ${step.neededHours / 24} days of history; there are ${haveHours} hours`,
      };
    const horizon = Math.ceil((q.horizonHours * HOUR_MS) / step.ms);
    const fit = await this.fits.fit({
      values: history.map((p) => p.value),
      candidates: [...step.periods],
      week: step.week,
      horizon,
      level: q.level,
      min: 0,
      max: metric.max,
    });
    const stepHours = step.ms / HOUR_MS;
    return {
      ...scope,
      status: 'ok',
      horizon_hours: q.horizonHours,
      level: q.level,
      history,
      points: fit.point.map((value, i) => ({
        t: end + i * step.ms,
        value,
        lower: fit.lower[i] ?? value,
        upper: fit.upper[i] ?? value,
      })),
      model: fit.model,
      seasonality: fit.periods.map((p) => p * stepHours),
      backtest: { mape: fit.mape, held_out_hours: fit.heldOut * stepHours },
    };
  }

  close(): Promise<void> {
    return this.fits.close();
  }
}
