/**
 * Anomalies (DESIGN §11): a server's requests, p95 or error rate per hour against its seasonal
 * baseline band (baseline.ts, fitted in the worker), the points outside it, and its level shifts.
 * Two uses: the API's window (`anomalies`, kept for the hour like forecasts), and the alert rule
 * metric `anomaly_score`, which scores a live value against the band of the hour in progress: those
 * bands are fitted in the background, one per (server, series) an hour, and read synchronously
 * by the evaluator, so a tick over a thousand servers costs a map lookup and a logarithm each.
 */
import { stepSeries } from '../metrics/index.js';
import type { AnomalySeries } from '../model/forecast.js';
import type { Db } from '../store/tables.js';
import type { BaselineResult } from './baseline.js';
import { HourCache } from './cache.js';
import type { FitQueue } from './fit-queue.js';
import { METRICS, filled } from './history.js';

const HOUR_MS = 3_600_000;
const HISTORY_MS = 28 * 24 * HOUR_MS;
const NEEDED_HOURS = 48;
/** Band half-width in robust deviations: at 4.5, 21 normal hours of 6,720 fell outside on synthetic traffic (bench), at 5.5 two, every injected spike and dip still out. */
const Z = 5.5;
/** At least ±16 %: a flat series must not flag its rounding. */
const MIN_HALF = 0.15;

export interface AnomalyQuery {
  serverId: string;
  metric: AnomalySeries;
  /** [from, to), epoch ms; whole hours are scored, the hour in progress is not. */
  from: number;
  to: number;
}

export interface LevelShift {
  /** Start of the first hour at the new level. */
  t: number;
  /** Median of the day before and the day after, in the metric's units. */
  before: number;
  after: number;
  /** The change in band half-widths, signed. */
  score: number;
}

export interface AnomalyPoint {
  t: number;
  value: number;
  baseline: number;
  lower: number;
  upper: number;
  /** Distance from the baseline in band half-widths (1 is the band's edge); signed: below is negative. */
  score: number;
}

export interface Anomaly extends AnomalyPoint {
  direction: 'up' | 'down';
}

interface Scope {
  server: string;
  metric: AnomalySeries;
  step: '1h';
  from: number;
  to: number;
}

export type AnomalyAnswer =
  | (Scope & {
      status: 'ok';
      points: AnomalyPoint[];
      anomalies: Anomaly[];
      level_shifts: LevelShift[];
      seasonality: number[];
    })
  | (Scope & { status: 'not_enough_history'; needed_hours: number; have_hours: number; message: string });

/** The band a live value is scored against: the hour's baseline and half-width, in logs. */
export interface LiveBand {
  hour: number;
  center: number;
  half: number;
}

/** A live value's score against a band (the rule metric `anomaly_score`): band half-widths from the baseline. */
export const liveScore = (band: LiveBand, value: number): number =>
  Math.abs(Math.log1p(Math.max(0, value)) - band.center) / band.half;

export class Anomalies {
  private readonly cache = new HourCache<AnomalyAnswer>(500);
  /** Live bands by server and series; undefined: not enough history this hour. */
  private readonly bands = new Map<string, { hour: number; band: LiveBand | undefined }>();
  private readonly filling = new Set<string>();

  constructor(
    private readonly deps: { db: () => Db; now: () => number; fits: FitQueue; bandFits: FitQueue },
  ) {}

  private async history(serverId: string, metric: AnomalySeries, end: number) {
    const m = METRICS[metric];
    const points = await stepSeries(this.deps.db(), {
      serverId,
      metric: m.read,
      step: '1h',
      from: end - HISTORY_MS,
      to: end,
    });
    return { history: filled(points, m.gap), max: m.max };
  }

  private job(values: number[], max: number) {
    return { values, candidates: [24, 168], z: Z, minHalf: MIN_HALF, min: 0, max };
  }

  anomalies(q: AnomalyQuery): Promise<AnomalyAnswer> {
    const now = this.deps.now();
    const hour = Math.floor(now / HOUR_MS);
    const end = Math.min(hour * HOUR_MS, Math.ceil(q.to / HOUR_MS) * HOUR_MS);
    const from = Math.floor(q.from / HOUR_MS) * HOUR_MS;
    const key = [q.serverId, q.metric, from, end].join('\u0000');
    return this.cache.get(key, hour, () => this.make(q, from, end));
  }

  private async make(q: AnomalyQuery, from: number, end: number): Promise<AnomalyAnswer> {
    const scope = { server: q.serverId, metric: q.metric, step: '1h' as const, from, to: end };
    const { history, max } = await this.history(q.serverId, q.metric, end);
    if (history.length < NEEDED_HOURS)
      return {
        ...scope,
        status: 'not_enough_history',
        needed_hours: NEEDED_HOURS,
        have_hours: history.length,
        message: `a baseline needs ${NEEDED_HOURS / 24} days of history; there are ${history.length} hours`,
      };
    const fit = await this.deps.fits.baseline(
      this.job(
        history.map((p) => p.value),
        max,
      ),
    );
    const points: AnomalyPoint[] = [];
    history.forEach((p, i) => {
      if (p.t < from) return;
      points.push({
        t: p.t,
        value: p.value,
        baseline: fit.baseline[i] ?? p.value,
        lower: fit.lower[i] ?? p.value,
        upper: fit.upper[i] ?? p.value,
        score: fit.score[i] ?? 0,
      });
    });
    return {
      ...scope,
      status: 'ok',
      points,
      anomalies: points
        .filter((p) => Math.abs(p.score) > 1)
        .map((p) => ({ ...p, direction: p.score > 0 ? ('up' as const) : ('down' as const) })),
      level_shifts: shiftsOf(fit, history, from),
      seasonality: fit.periods,
    };
  }

  /** The level shifts of a server's series in [from, to): for the charts and incident correlation. */
  async levelShifts(q: AnomalyQuery): Promise<LevelShift[]> {
    const a = await this.anomalies(q);
    return a.status === 'ok' ? a.level_shifts : [];
  }

  /**
   * The band of the hour in progress, without waiting: a band not fitted yet this hour is asked
   * for in the background, and the last hour's is answered meanwhile (undefined before any).
   */
  liveBand(serverId: string, series: AnomalySeries): LiveBand | undefined {
    const hour = Math.floor(this.deps.now() / HOUR_MS);
    const key = `${serverId}\u0000${series}`;
    const hit = this.bands.get(key);
    if (hit?.hour !== hour && !this.filling.has(key)) {
      this.filling.add(key);
      void this.fillBand(key, serverId, series, hour).finally(() => this.filling.delete(key));
    }
    return hit?.band;
  }

  private async fillBand(key: string, serverId: string, series: AnomalySeries, hour: number) {
    try {
      const { history, max } = await this.history(serverId, series, hour * HOUR_MS);
      if (history.length < NEEDED_HOURS) {
        this.bands.set(key, { hour, band: undefined });
        return;
      }
      const fit = await this.deps.bandFits.baseline(
        this.job(
          history.map((p) => p.value),
          max,
        ),
      );
      this.bands.set(key, { hour, band: { hour, center: fit.next.center, half: fit.next.half } });
    } catch {
      // the store or the worker failed: asked again at the next tick
    }
  }

  /** Forgets the live bands of servers no longer watched. */
  forget(keep: (serverId: string) => boolean): void {
    for (const key of this.bands.keys()) if (!keep(key.split('\u0000')[0] ?? '')) this.bands.delete(key);
  }
}

function shiftsOf(fit: BaselineResult, history: { t: number }[], from: number): LevelShift[] {
  return fit.shifts
    .map((s) => ({ t: history[s.index]?.t ?? 0, before: s.before, after: s.after, score: s.score }))
    .filter((s) => s.t >= from);
}
