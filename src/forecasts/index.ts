/**
 * The forecasts part's front door (DESIGN §11): a server's or the fleet's metric forecast with
 * prediction bands, the model, the seasonality found and a backtest; a server's anomalies against
 * its seasonal baseline band and its level shifts (`forecasts.levelShifts({ serverId, metric,
 * from, to })`, for incident correlation); the live band rule `anomaly_score` is scored against.
 * All fitted off the API's thread.
 */
export { Forecasts } from './forecaster.js';
export {
  type ForecastAnswer,
  type ForecastMetric,
  type ForecastQuery,
  type Forecasted,
  type NotEnoughHistory,
} from './answer.js';
export {
  liveScore,
  type Anomaly,
  type AnomalyAnswer,
  type AnomalyPoint,
  type AnomalyQuery,
  type LevelShift,
  type LiveBand,
} from './anomalies.js';
export type { CapacityAnswer, CapacityServer, ServerCapacityView, Urgency } from './capacity.js';
