/** A server's time series and endpoint table, and the fleet's overview. */
import { z } from 'zod';
import { queryTime } from './common.js';
import { formatQuery } from './csv.js';

export const TRAFFIC_METRICS = [
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'latency_avg',
  'rps',
  'error_rate',
] as const;
export const GAUGE_METRICS = ['active_connections', 'cpu', 'memory'] as const;
export type TrafficMetric = (typeof TRAFFIC_METRICS)[number];
export type GaugeMetric = (typeof GAUGE_METRICS)[number];

/** [from, to): ISO 8601 or epoch ms; the last hour by default. */
export const rangeQuery = z.object({ from: queryTime.optional(), to: queryTime.optional() });
export type RangeQuery = z.input<typeof rangeQuery>;

/** GET /api/v1/servers/:id/metrics. */
export const metricQuery = z.object({
  metric: z.enum([...TRAFFIC_METRICS, ...GAUGE_METRICS]),
  /** One endpoint (`tools/call:search`) instead of the server's total; traffic metrics only. */
  endpoint: z.string().min(1).optional(),
  /** `1w`: the same series a week earlier, at this range's times. */
  compare: z.literal('1w').optional(),
  ...rangeQuery.shape,
  /** `csv`: the points as rows (t, v — with `previous` beside them when compared; gauges t, avg, max). */
  ...formatQuery,
});
export type MetricQuery = z.input<typeof metricQuery>;

export const seriesPoint = z.object({
  /** Start of the step, epoch ms. */
  t: z.number(),
  v: z.number().nullable(),
});
export type SeriesPoint = z.infer<typeof seriesPoint>;

/** A traffic metric's series (steps chosen so no answer exceeds `max_timeline_points`). */
export const trafficSeries = z.object({
  metric: z.enum(TRAFFIC_METRICS),
  resolution: z.string(),
  stepMs: z.number(),
  /** The range the points cover: [from, to) widened to whole steps, epoch ms. */
  from: z.number(),
  to: z.number(),
  points: z.array(seriesPoint),
  /** The metric over the whole range (percentiles from all sketches merged). */
  aggregate: z.number().nullable(),
  compare: z
    .object({
      points: z.array(seriesPoint),
      aggregate: z.number().nullable(),
      /** (this − previous) / previous, %; null when the previous is null or 0. */
      changePercent: z.number().nullable(),
    })
    .optional(),
});
export type TrafficSeries = z.infer<typeof trafficSeries>;

/** A gauge's series: average and maximum per step; steps without samples are absent. */
export const gaugeSeries = z.object({
  metric: z.enum(GAUGE_METRICS),
  stepMs: z.number(),
  points: z.array(z.object({ t: z.number(), avg: z.number(), max: z.number() })),
});
export type GaugeSeries = z.infer<typeof gaugeSeries>;

export const metricSeries = z.union([trafficSeries, gaugeSeries]);
export type MetricSeries = z.infer<typeof metricSeries>;

/** Traffic over a range. */
export const trafficSummary = z.object({
  requests: z.number(),
  rps: z.number(),
  errors: z.number(),
  toolErrors: z.number(),
  timeouts: z.number(),
  /** Failed requests (tool errors included) / requests, %. */
  errorRatePercent: z.number().nullable(),
  avgMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});
export type TrafficSummary = z.infer<typeof trafficSummary>;

export const endpointRow = trafficSummary.extend({ endpoint: z.string() });
export type EndpointRow = z.infer<typeof endpointRow>;

/** GET /api/v1/servers/:id/endpoints: busiest first. */
export const endpointTable = z.object({ from: z.number(), to: z.number(), endpoints: z.array(endpointRow) });
export type EndpointTable = z.infer<typeof endpointTable>;

/** GET /api/v1/overview: the fleet by status, and its traffic. */
export const overview = z.object({
  from: z.number(),
  to: z.number(),
  servers: z.number().int(),
  by_status: z.record(z.string(), z.number().int()),
  traffic: trafficSummary.extend({ servers: z.number().int() }),
});
export type Overview = z.infer<typeof overview>;
