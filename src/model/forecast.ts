/** The metrics a forecast is made of (DESIGN §11), as the API and the forecasts part name them. */
export const FORECAST_METRICS = ['requests', 'p95', 'error_rate', 'connections', 'cpu', 'memory'] as const;
export type ForecastMetric = (typeof FORECAST_METRICS)[number];

/** The series that get a seasonal baseline band and anomalies (DESIGN §11), and that rule metric `anomaly_score` watches. */
export const ANOMALY_SERIES = ['requests', 'p95', 'error_rate'] as const;
export type AnomalySeries = (typeof ANOMALY_SERIES)[number];
