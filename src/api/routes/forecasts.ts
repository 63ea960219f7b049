import type { FastifyInstance } from 'fastify';
import type { Monitor } from '../../monitor.js';
import { validate } from '../../shared/validate.js';
import { serverIdParams } from '../contract/common.js';
import { forecastQuery } from '../contract/forecasts.js';

/** `GET /api/v1/servers/:id/forecast` and the fleet's `GET /api/v1/forecast` (the forecasts part answers). */
export function forecastRoutes(app: FastifyInstance, monitor: Monitor): void {
  const query = (raw: unknown) => {
    const q = validate(forecastQuery, raw, 'query');
    return { metric: q.metric, horizonHours: q.horizon, level: q.level };
  };

  app.get('/api/v1/servers/:id/forecast', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    monitor.registry.get(id);
    return monitor.forecasts.forecast({ serverId: id, ...query(req.query) });
  });

  app.get('/api/v1/forecast', async (req) => monitor.forecasts.forecast(query(req.query)));
}
