/** The metrics a forecast is made of (DESIGN §11), as the API and the forecasts part name them. */
export const FORECAST_METRICS = ['requests', 'p95', 'error_rate', 'connections', 'cpu', 'memory'] as const;
export type ForecastMetric = (typeof FORECAST_METRICS)[number];
