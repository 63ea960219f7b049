/**
 * The forecasts part's front door (DESIGN §11): a server's or the fleet's metric forecast with
 * prediction bands, the model, the seasonality found and a backtest, fitted off the API's thread.
 */
export { Forecasts } from './forecaster.js';
export {
  type ForecastAnswer,
  type ForecastMetric,
  type ForecastQuery,
  type Forecasted,
  type NotEnoughHistory,
} from './answer.js';
