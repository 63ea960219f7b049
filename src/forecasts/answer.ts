/** What a forecast answers (the API's contract, src/api/contract/forecasts.ts, declares the same). */
import type { ForecastMetric } from '../model/forecast.js';

export type { ForecastMetric };

export interface ForecastQuery {
  /** A server's forecast; absent: the fleet's. */
  serverId?: string | undefined;
  metric: ForecastMetric;
  horizonHours: number;
  /** Of the prediction bands, in (0, 1). */
  level: number;
}

interface Scope {
  server: string | null;
  metric: ForecastMetric;
  /** '1h' for horizons up to 7 days, '1d' beyond. */
  step: '1h' | '1d';
}

export interface Forecasted extends Scope {
  status: 'ok';
  horizon_hours: number;
  level: number;
  /** What the model was fitted on: complete steps, oldest first. */
  history: { t: number; value: number }[];
  /** From the step in progress on. */
  points: { t: number; value: number; lower: number; upper: number }[];
  model: 'mstl_ets' | 'ets';
  /** Periods found in the history, in hours (24, 168). */
  seasonality: number[];
  backtest: { mape: number | null; held_out_hours: number };
}

export interface NotEnoughHistory extends Scope {
  status: 'not_enough_history';
  needed_hours: number;
  have_hours: number;
  message: string;
}

export type ForecastAnswer = Forecasted | NotEnoughHistory;
