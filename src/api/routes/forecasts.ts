import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Monitor } from '../../monitor.js';
import { serverIdParams } from '../contract/common.js';
import {
  anomalyAnswer,
  anomalyQuery,
  capacityAnswer,
  forecastAnswer,
  forecastQuery,
} from '../contract/forecasts.js';
import { queryRange } from './query-range.js';
import { operation } from './operation.js';

const op = operation('forecasts');
const summary =
  'history, points with lower/upper bands, the model, seasonality and a backtest MAPE; `status: not_enough_history` under two days of data';

const DAY_MS = 86_400_000;

/**
 * `GET /api/v1/servers/:id/forecast`, the fleet's `GET /api/v1/forecast` and a server's
 * `GET /api/v1/servers/:id/anomalies` (the forecasts part answers).
 */
export function forecastRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const query = (q: z.output<typeof forecastQuery>) => ({
    metric: q.metric,
    horizonHours: q.horizon,
    level: q.level,
  });

  api.get(
    '/api/v1/servers/:id/forecast',
    op('serverForecast', `A server's metric forecast: ${summary}`, {
      params: serverIdParams,
      querystring: forecastQuery,
      response: { 200: forecastAnswer },
    }),
    async (req) => {
      monitor.registry.get(req.params.id);
      return monitor.forecasts.forecast({ serverId: req.params.id, ...query(req.query) });
    },
  );

  api.get(
    '/api/v1/forecast',
    op('fleetForecast', `The fleet's metric forecast: ${summary}`, {
      querystring: forecastQuery,
      response: { 200: forecastAnswer },
    }),
    async (req) => monitor.forecasts.forecast(query(req.query)),
  );

  api.get(
    '/api/v1/servers/:id/anomalies',
    op(
      'serverAnomalies',
      "A server's requests, p95 or error rate per hour against its seasonal baseline band: the points, those outside the band (score in band half-widths, direction) and the level shifts",
      { params: serverIdParams, querystring: anomalyQuery, response: { 200: anomalyAnswer } },
    ),
    async (req) => {
      monitor.registry.get(req.params.id);
      const range = queryRange(req.query, { defaultMs: 7 * DAY_MS, maxMs: 28 * DAY_MS });
      return monitor.forecasts.anomalies({ serverId: req.params.id, metric: req.query.metric, ...range });
    },
  );

  api.get(
    '/api/v1/capacity',
    op(
      'capacity',
      "Every server's peak load against its capacity (declared or learned) now and next week, growth week over week and month over month, days until saturation and a recommendation; most urgent first",
      { response: { 200: capacityAnswer } },
    ),
    async () => monitor.forecasts.capacity(),
  );
}
