import type { Db } from '../../store/tables.js';
import { SERVER_TOTAL } from '../../store/rollups-repo.js';
import { gaugesRepo, type GaugeName } from '../gauges/gauges-repo.js';
import { DAY_MS, errorRatePercent, type Traffic } from '../aggregate/bucket.js';
import { defaultRetention, planRange, planSeries, type MetricsRetention, type Plan } from './tiers.js';
import { groupAndTotal, groupRows, quantileOf, readRows } from './traffic-read.js';

export type SeriesMetric =
  'latency_p50' | 'latency_p95' | 'latency_p99' | 'latency_avg' | 'rps' | 'error_rate';
export type GaugeMetric = GaugeName;

export interface SeriesPoint {
  /** Start of the step, epoch ms. */
  t: number;
  v: number | null;
}

export interface SeriesQuery {
  serverId: string;
  metric: SeriesMetric;
  from: number;
  to: number;
  endpoint?: string | undefined;
  maxPoints: number;
  /** '1w': the same series a week earlier, overlaid on this one's times. */
  compare?: '1w' | undefined;
  now?: number | undefined;
  retention?: MetricsRetention | undefined;
}

export interface SeriesResult {
  metric: SeriesMetric;
  resolution: string;
  stepMs: number;
  /** The range the points cover: [from, to) widened to whole steps. */
  from: number;
  to: number;
  points: SeriesPoint[];
  /** The metric over the whole range (percentiles from all sketches merged). */
  aggregate: number | null;
  compare?: {
    /** The previous week's values, at this period's times. */
    points: SeriesPoint[];
    aggregate: number | null;
    /** (this − previous) / previous, %; null when the previous is null or 0. */
    changePercent: number | null;
  };
}

const WEEK_MS = 7 * DAY_MS;

/** A metric of a traffic total over `seconds` seconds; null where it is undefined (no requests). */
export function metricValue(metric: SeriesMetric, t: Traffic, seconds: number): number | null {
  switch (metric) {
    case 'rps':
      return seconds > 0 ? t.count / seconds : null;
    case 'error_rate':
      return errorRatePercent(t);
    case 'latency_avg':
      return t.count > 0 ? t.sumMs / t.count : null;
    case 'latency_p50':
      return quantileOf(t, 0.5);
    case 'latency_p95':
      return quantileOf(t, 0.95);
    case 'latency_p99':
      return quantileOf(t, 0.99);
  }
}

/** Seconds of [start, end) that are not in the future. */
const elapsedS = (start: number, end: number, now: number): number =>
  Math.max(0, Math.min(end, now) - start) / 1000;

/**
 * One metric of a server (or one of its endpoints) over time, at most `maxPoints` points, at the
 * range's own step. With `compare`, the week before at the same steps: read from the tier that
 * still holds it (minutes are kept 48 h, so last week's are hours), each coarser value held
 * across the steps it covers — the last hour compared stays 60 minute points, not two hourly dots.
 */
export async function series(db: Db, q: SeriesQuery): Promise<SeriesResult> {
  const now = q.now ?? Date.now();
  const retention = q.retention ?? defaultRetention;
  const range = { from: q.from, to: q.to, maxPoints: q.maxPoints, now };
  const plan = planSeries(range, retention);
  const filter = { serverId: q.serverId, endpoint: q.endpoint ?? SERVER_TOTAL };

  /** The metric at each of `plan`'s steps, read through `read` (plan itself, or a coarser one) `shift` ms earlier. */
  const pointsOf = async (read: Plan, shift: number) => {
    // A coarser read is of whole buckets of the past; a read at the range's own step stops, in
    // both periods, at the bucket holding `now`, so that a period in progress is compared with
    // the same stretch of the previous week, not with all of it.
    const whole = read !== plan;
    const until = whole ? read.end : Math.min(read.end, Math.ceil((now + 1) / read.tier.ms) * read.tier.ms);
    const rows = await readRows(db, read, read.start - shift, until - shift, filter);
    const stepOf = (t: number) => read.start + Math.floor((t - read.start) / read.stepMs) * read.stepMs;
    const { groups: byStep, total } = groupAndTotal(rows, (r) => stepOf(r.bucket_start + shift));
    const points: SeriesPoint[] = [];
    for (let t = plan.start; t < plan.end; t += plan.stepMs) {
      const at = stepOf(t);
      const seconds = whole ? read.stepMs / 1000 : elapsedS(at, at + read.stepMs, now);
      const traffic = byStep.get(at);
      const v = traffic
        ? metricValue(q.metric, traffic, seconds)
        : q.metric === 'rps' && seconds > 0
          ? 0
          : null;
      points.push({ t, v });
    }
    const seconds = whole ? (read.end - read.start) / 1000 : elapsedS(read.start, read.end, now);
    return { points, aggregate: metricValue(q.metric, total, seconds) };
  };

  const current = await pointsOf(plan, 0);
  const result: SeriesResult = {
    metric: q.metric,
    resolution: plan.tier.resolution,
    stepMs: plan.stepMs,
    from: plan.start,
    to: plan.end,
    ...current,
  };
  if (q.compare === '1w') {
    const older = planSeries({ ...range, earliest: q.from - WEEK_MS }, retention);
    const same = older.tier === plan.tier && older.stepMs === plan.stepMs;
    const previous = await pointsOf(same ? plan : older, WEEK_MS);
    const [cur, prev] = [current.aggregate, previous.aggregate];
    result.compare = {
      ...previous,
      changePercent: cur !== null && prev !== null && prev !== 0 ? ((cur - prev) / prev) * 100 : null,
    };
  }
  return result;
}

export interface TrafficSummary {
  requests: number;
  rps: number;
  errors: number;
  toolErrors: number;
  timeouts: number;
  /** Failed requests (tool errors included) / requests, %. */
  errorRatePercent: number | null;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

function summarise(t: Traffic, seconds: number): TrafficSummary {
  return {
    requests: t.count,
    rps: seconds > 0 ? t.count / seconds : 0,
    errors: t.errors,
    toolErrors: t.toolErrors,
    timeouts: t.timeouts,
    errorRatePercent: errorRatePercent(t),
    avgMs: t.count > 0 ? t.sumMs / t.count : null,
    p50Ms: quantileOf(t, 0.5),
    p95Ms: quantileOf(t, 0.95),
    p99Ms: quantileOf(t, 0.99),
  };
}

interface RangeQuery {
  from: number;
  to: number;
  now?: number | undefined;
  retention?: MetricsRetention | undefined;
}

/** A server's traffic per endpoint over [from, to) (widened to whole buckets), busiest first. */
export async function endpoints(
  db: Db,
  q: RangeQuery & { serverId: string },
): Promise<(TrafficSummary & { endpoint: string })[]> {
  const now = q.now ?? Date.now();
  const plan = planRange({ from: q.from, to: q.to, now }, q.retention ?? defaultRetention);
  const rows = await readRows(db, plan, plan.start, plan.end, { serverId: q.serverId });
  const seconds = elapsedS(plan.start, plan.end, now);
  return [...groupRows(rows, (r) => r.endpoint)]
    .map(([endpoint, t]) => ({ endpoint, ...summarise(t, seconds) }))
    .sort((a, b) => b.requests - a.requests || (a.endpoint < b.endpoint ? -1 : 1));
}

/** The whole fleet's traffic over [from, to) (widened to whole buckets). */
export async function overview(db: Db, q: RangeQuery): Promise<TrafficSummary & { servers: number }> {
  const now = q.now ?? Date.now();
  const plan = planRange({ from: q.from, to: q.to, now }, q.retention ?? defaultRetention);
  const rows = await readRows(db, plan, plan.start, plan.end, { endpoint: SERVER_TOTAL });
  const servers = new Set(rows.map((r) => r.server_id)).size;
  const { total } = groupAndTotal(rows, () => 0);
  return { ...summarise(total, elapsedS(plan.start, plan.end, now)), servers };
}

export interface GaugePoint {
  t: number;
  avg: number;
  max: number;
}

/**
 * A gauge from `server_metrics` (rows whose `metric_name` is the gauge's name) averaged per step,
 * at most `maxPoints` points; steps without samples are absent.
 */
export async function gaugeSeries(
  db: Db,
  q: { serverId: string; metric: GaugeMetric; from: number; to: number; maxPoints: number },
): Promise<{ metric: GaugeMetric; stepMs: number; points: GaugePoint[] }> {
  const stepMs = Math.max(
    1000,
    Math.ceil(Math.max(1, q.to - q.from) / Math.max(1, Math.floor(q.maxPoints)) / 1000) * 1000,
  );
  const start = Math.floor(q.from / stepMs) * stepMs;
  const rows = await gaugesRepo.perStep(db, { ...q, start, stepMs });
  return {
    metric: q.metric,
    stepMs,
    points: rows.map((r) => ({ t: start + r.b * stepMs, avg: r.avg, max: r.max })),
  };
}
