/**
 * Forecasts of a server's or the fleet's metric (DESIGN §11): the history read per hour (per day for
 * horizons beyond a week) through the metrics front door, its gaps filled, too short a history
 * answered as such, the fit done in the worker and kept for the hour.
 */
import { DAY_TIER_DAYS, stepSeries } from '../metrics/index.js';
import { METRICS, filled } from './history.js';
import type { Db } from '../store/tables.js';
import type { ForecastAnswer, ForecastQuery } from './answer.js';
import {
  Anomalies,
  type AnomalyAnswer,
  type AnomalyQuery,
  type LevelShift,
  type LiveBand,
} from './anomalies.js';
import type { AnomalySeries } from '../model/forecast.js';
import { HourCache } from './cache.js';
import { Capacity, type CapacityAnswer, type CapacityServer } from './capacity.js';
import { FitQueue } from './fit-queue.js';

export { filled };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Per step: how far back the history goes, how much is needed, the candidate periods, a week. */
const STEPS = {
  // four weeks of hours: enough for a weekly cycle, and a fit in tens of milliseconds
  '1h': { ms: HOUR_MS, historyMs: 28 * DAY_MS, neededHours: 48, periods: [24, 168], week: 168 },
  '1d': { ms: DAY_MS, historyMs: DAY_TIER_DAYS * DAY_MS, neededHours: 14 * 24, periods: [7], week: 7 },
} as const;

export class Forecasts {
  private readonly fits: FitQueue;
  /** The live bands of rule `anomaly_score` are fitted by a worker of their own, a fleet's worth an hour, so the API's fits never queue behind them. */
  private readonly bandFits: FitQueue;
  private readonly cache = new HourCache<ForecastAnswer>();
  private readonly anomalyBands: Anomalies;

  private readonly planner: Capacity;

  constructor(
    private readonly deps: {
      db: () => Db;
      now?: () => number;
      fitTimeoutMs?: number;
      /** The servers capacity is planned for, with what they declare. */
      servers?: () => CapacityServer[];
    },
  ) {
    this.fits = new FitQueue({ timeoutMs: deps.fitTimeoutMs });
    this.bandFits = new FitQueue({ timeoutMs: deps.fitTimeoutMs, maxQueued: 100_000 });
    this.anomalyBands = new Anomalies({
      db: deps.db,
      now: deps.now ?? Date.now,
      fits: this.fits,
      bandFits: this.bandFits,
    });
    this.planner = new Capacity({
      db: deps.db,
      now: deps.now ?? Date.now,
      servers: deps.servers ?? (() => []),
    });
  }

  /** Every server's load against its capacity now and at next week's peak, most urgent first; kept for the hour. */
  capacity(): Promise<CapacityAnswer> {
    return this.planner.fleet();
  }

  /** A server's series per hour against its seasonal baseline band: the points, the anomalies, the level shifts. */
  anomalies(q: AnomalyQuery): Promise<AnomalyAnswer> {
    return this.anomalyBands.anomalies(q);
  }

  /** The level shifts (changepoints) of a server's series in [from, to), oldest first. */
  levelShifts(q: AnomalyQuery): Promise<LevelShift[]> {
    return this.anomalyBands.levelShifts(q);
  }

  /** The band the hour in progress is scored against (rule metric `anomaly_score`); never waits. */
  liveBand(serverId: string, series: AnomalySeries): LiveBand | undefined {
    return this.anomalyBands.liveBand(serverId, series);
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

  async close(): Promise<void> {
    await Promise.all([this.fits.close(), this.bandFits.close()]);
  }
}
