import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Monitor } from '../../monitor.js';
import { endpoints, gaugeSeries, overview, series } from '../../metrics/read/queries.js';
import { validationError } from '../../shared/errors.js';
import { validate } from '../../shared/validate.js';
import { serverIdParams, time } from './params.js';
import { usageRoutes } from './usage.js';

const trafficMetrics = [
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'latency_avg',
  'rps',
  'error_rate',
] as const;
const gaugeMetrics = ['active_connections', 'cpu', 'memory'] as const;

export const range = z.object({ from: time.optional(), to: time.optional() });

export const metricQuery = z.object({
  metric: z.enum([...trafficMetrics, ...gaugeMetrics]),
  endpoint: z.string().min(1).optional(),
  compare: z.literal('1w').optional(),
});

/** [from, to) with defaults (the last hour) and checks that name the field. */
function rangeOf(query: unknown): { from: number; to: number } {
  const r = validate(range, query, 'query');
  const to = r.to ?? Date.now();
  const from = r.from ?? to - 3600_000;
  if (from >= to) throw validationError([{ field: 'query.from', message: 'must be before to' }]);
  return { from, to };
}

export function metricsRoutes(app: FastifyInstance, monitor: Monitor): void {
  const { store, registry, config } = monitor;
  const retention = {
    metricsRetentionDays: config.metrics_retention_days,
    errorRetentionDays: config.error_retention_days,
  };
  usageRoutes(app, monitor);

  app.get('/api/v1/servers/:id/metrics', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    registry.get(id);
    const q = validate(metricQuery, req.query, 'query');
    const { from, to } = rangeOf(req.query);
    const maxPoints = config.max_timeline_points;
    if (q.metric === 'active_connections' || q.metric === 'cpu' || q.metric === 'memory')
      return gaugeSeries(store.db, { serverId: id, metric: q.metric, from, to, maxPoints });
    return series(store.db, {
      serverId: id,
      metric: q.metric,
      from,
      to,
      endpoint: q.endpoint,
      maxPoints,
      compare: q.compare,
      retention,
    });
  });

  app.get('/api/v1/servers/:id/endpoints', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    registry.get(id);
    const { from, to } = rangeOf(req.query);
    return { from, to, endpoints: await endpoints(store.db, { serverId: id, from, to, retention }) };
  });

  app.get('/api/v1/overview', async (req) => {
    const { from, to } = rangeOf(req.query);
    const servers = registry.list();
    const byStatus: Record<string, number> = {};
    for (const s of servers) byStatus[s.state.status] = (byStatus[s.state.status] ?? 0) + 1;
    return {
      from,
      to,
      servers: servers.length,
      by_status: byStatus,
      traffic: await overview(store.db, { from, to, retention }),
    };
  });
}
