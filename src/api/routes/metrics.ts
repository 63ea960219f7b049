import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { operation } from './operation.js';
import { queryRange } from './query-range.js';
import { serverIdParams } from '../contract/common.js';
import {
  endpointTable,
  metricQuery,
  metricSeries,
  overview as overviewView,
  rangeQuery,
  type MetricSeries,
} from '../contract/metrics.js';
import { sendCsv } from './csv.js';
import { usageRoutes } from './usage.js';

const op = operation('metrics');

/** A series' points as CSV rows; a comparison's points beside them as `previous`. */
function seriesRows(series: MetricSeries): Record<string, unknown>[] {
  if (!('compare' in series) || !series.compare) return series.points;
  const previous = series.compare.points;
  return series.points.map((p, i) => ({ ...p, previous: previous[i]?.v ?? null }));
}

/** [from, to) with defaults (the last hour); a range that ends before it starts names the field. */
/** [from, to) defaulting to the last hour. */
const rangeOf = (r: { from?: number | undefined; to?: number | undefined }) =>
  queryRange(r, { defaultMs: 3600_000 });

export function metricsRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { registry, metrics } = monitor;
  usageRoutes(app, monitor);

  api.get(
    '/api/v1/servers/:id/metrics',
    op('serverMetric', 'A time series (latency, rps, error rate, gauges)', {
      params: serverIdParams,
      querystring: metricQuery,
      response: { 200: metricSeries },
    }),
    async (req, reply) => {
      const { id } = req.params;
      registry.get(id);
      const q = req.query;
      const { from, to } = rangeOf(q);
      const series =
        q.metric === 'active_connections' || q.metric === 'cpu' || q.metric === 'memory'
          ? await metrics.gaugeSeries({ serverId: id, metric: q.metric, from, to })
          : await metrics.series({
              serverId: id,
              metric: q.metric,
              from,
              to,
              endpoint: q.endpoint,
              compare: q.compare,
            });
      if (q.format !== 'csv') return series;
      const columns =
        series.metric === 'active_connections' || series.metric === 'cpu' || series.metric === 'memory'
          ? ['t', 'avg', 'max']
          : q.compare
            ? ['t', 'v', 'previous']
            : ['t', 'v'];
      return sendCsv(reply, `${id}-${q.metric}.csv`, seriesRows(series), columns);
    },
  );

  api.get(
    '/api/v1/servers/:id/endpoints',
    op('serverEndpoints', 'Per endpoint: count, rps, error rate, latency', {
      params: serverIdParams,
      querystring: rangeQuery,
      response: { 200: endpointTable },
    }),
    async (req) => {
      const { id } = req.params;
      registry.get(id);
      const { from, to } = rangeOf(req.query);
      return { from, to, endpoints: await metrics.endpoints({ serverId: id, from, to }) };
    },
  );

  api.get(
    '/api/v1/overview',
    op('overview', 'Fleet totals', {
      querystring: rangeQuery,
      response: { 200: overviewView },
    }),
    async (req) => {
      const { from, to } = rangeOf(req.query);
      const servers = registry.list();
      const byStatus: Record<string, number> = {};
      for (const s of servers) byStatus[s.state.status] = (byStatus[s.state.status] ?? 0) + 1;
      return {
        from,
        to,
        servers: servers.length,
        by_status: byStatus,
        traffic: await metrics.overview({ from, to }),
      };
    },
  );
}
