/**
 * Forecasts (`/api/v1/servers/:id/forecast`, `/api/v1/forecast`): a metric's history, the forecast
 * with its prediction band, the model, the seasonality found and a backtest. Too short a history is
 * an answer, not an error: 200 with `status: 'not_enough_history'` and how much is needed, so a
 * dashboard can say "forecasts start after 2 days of traffic" instead of showing a failure.
 */
import { z } from 'zod';
import { ANOMALY_SERIES, FORECAST_METRICS } from '../../model/forecast.js';
import { queryTime } from './common.js';

const MAX_HORIZON_HOURS = 30 * 24;

/** `12h`, `7d`: hours or days ahead, from 1 hour to 30 days; read as hours. */
export const horizon = z
  .string()
  .regex(/^[1-9]\d{0,3}[hd]$/, 'must be hours or days, as 12h or 7d')
  .transform((h) => Number(h.slice(0, -1)) * (h.endsWith('d') ? 24 : 1))
  .refine((h) => h <= MAX_HORIZON_HOURS, 'must be at most 30d');

export const forecastQuery = z.strictObject({
  metric: z.enum(FORECAST_METRICS),
  /** Up to 7 days ahead the points are hourly; beyond, daily. Default 7d. */
  horizon: horizon.prefault('7d'),
  /** Of the prediction band, 0.5 to 0.99; default 0.95. */
  level: z.coerce.number().min(0.5).max(0.99).default(0.95),
});
export type ForecastQueryInput = z.input<typeof forecastQuery>;

const scope = {
  /** null: the whole fleet. */
  server: z.string().nullable(),
  metric: z.enum(FORECAST_METRICS),
  /** `1h` for horizons up to 7 days, `1d` beyond (read from the day tier). */
  step: z.enum(['1h', '1d']),
};

export const forecasted = z.object({
  status: z.literal('ok'),
  ...scope,
  horizon_hours: z.number().int(),
  level: z.number(),
  /** What the model was fitted on, oldest first (epoch ms); gaps filled: 0 requests, others interpolated. */
  history: z.array(z.object({ t: z.number(), value: z.number() })),
  /** From the step in progress on: the forecast and its band at `level`. */
  points: z.array(z.object({ t: z.number(), value: z.number(), lower: z.number(), upper: z.number() })),
  /** `mstl_ets`: MSTL over the periods found with an AutoETS trend; `ets`: AutoETS alone (no period found). */
  model: z.enum(['mstl_ets', 'ets']),
  /** Periods found in the history, in hours: 24 (daily), 168 (weekly). */
  seasonality: z.array(z.number().int()),
  /** The model fitted without the last week (or 20 % of a shorter history), scored on it. */
  backtest: z.object({
    /** Mean absolute percentage error, %; null when every held-out value was 0. */
    mape: z.number().nullable(),
    held_out_hours: z.number(),
  }),
});
export type Forecasted = z.infer<typeof forecasted>;

export const notEnoughHistory = z.object({
  status: z.literal('not_enough_history'),
  ...scope,
  /** 48 for hourly forecasts, 336 (two weeks) for daily ones. */
  needed_hours: z.number(),
  have_hours: z.number(),
  message: z.string(),
});
export type NotEnoughHistory = z.infer<typeof notEnoughHistory>;

export const forecastAnswer = z.discriminatedUnion('status', [forecasted, notEnoughHistory]);
export type ForecastAnswer = z.infer<typeof forecastAnswer>;

/** `GET /api/v1/servers/:id/anomalies`: a series per hour over [from, to) (default the last 7 days, at most 28). */
export const anomalyQuery = z.strictObject({
  metric: z.enum(ANOMALY_SERIES),
  from: queryTime.optional(),
  to: queryTime.optional(),
});
export type AnomalyQueryInput = z.input<typeof anomalyQuery>;

const anomalyPoint = {
  t: z.number(),
  value: z.number(),
  /** The seasonal baseline and its band, in the metric's units. */
  baseline: z.number(),
  lower: z.number(),
  upper: z.number(),
  /** Distance from the baseline in band half-widths, signed: beyond ±1 is outside the band. */
  score: z.number(),
};

const anomalyScope = {
  server: z.string(),
  metric: z.enum(ANOMALY_SERIES),
  step: z.literal('1h'),
  /** The whole hours scored, epoch ms; the hour in progress is not. */
  from: z.number(),
  to: z.number(),
};

export const anomalyAnswer = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    ...anomalyScope,
    points: z.array(z.object(anomalyPoint)),
    /** The points outside the band. */
    anomalies: z.array(z.object({ ...anomalyPoint, direction: z.enum(['up', 'down']) })),
    /** Where the level moved by more than two band half-widths: medians of the day before and after. */
    level_shifts: z.array(
      z.object({ t: z.number(), before: z.number(), after: z.number(), score: z.number() }),
    ),
    /** Periods found, in hours. */
    seasonality: z.array(z.number().int()),
  }),
  z.object({
    status: z.literal('not_enough_history'),
    ...anomalyScope,
    needed_hours: z.number(),
    have_hours: z.number(),
    message: z.string(),
  }),
]);
export type AnomalyAnswer = z.infer<typeof anomalyAnswer>;

const urgency = z.enum(['critical', 'soon', 'watch', 'ok', 'unknown']);

/** `GET /api/v1/capacity`: every server, most urgent first (critical, soon, watch, ok, unknown). */
export const capacityAnswer = z.object({
  generated_at: z.number(),
  servers: z.array(
    z.object({
      server: z.string(),
      name: z.string(),
      urgency,
      /** Requests per second the server can take: declared (`capacity.max_rps`) or learned from latency; null: unknown. */
      max_rps: z.number().nullable(),
      max_rps_source: z.enum(['declared', 'learned']).nullable(),
      /** Busiest hour of the last 7 days, req/s; next week's, grown at the weekly rate. */
      peak_rps: z.number(),
      forecast_peak_rps: z.number(),
      utilisation_percent: z.number().nullable(),
      forecast_utilisation_percent: z.number().nullable(),
      growth_week_percent: z.number().nullable(),
      growth_month_percent: z.number().nullable(),
      /** 0: at capacity now; null: not growing, or capacity unknown. */
      days_until_saturation: z.number().nullable(),
      recommendation: z.string(),
    }),
  ),
});
export type CapacityAnswer = z.infer<typeof capacityAnswer>;
