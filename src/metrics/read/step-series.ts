/**
 * A server's or the fleet's metric per hour or per day, read from the tier of that resolution (with
 * the finer rows not yet rolled into it): what forecasts are fitted on. Requests and errors are
 * summed per step; p95 comes from the step's merged sketches; gauges are averaged per step (the
 * fleet's: the servers' averages summed).
 */
import type { Db } from '../../store/tables.js';
import { SERVER_TOTAL, rollupsRepo } from '../../store/rollups-repo.js';
import { errorRatePercent, floorTo } from '../aggregate/bucket.js';
import { gaugesRepo, type GaugeName } from '../gauges/gauges-repo.js';
import { TIERS, type Tier } from './tiers.js';
import { groupRows, quantileOf, readRows } from './traffic-read.js';

export type StepMetric = 'requests' | 'latency_p95' | 'error_rate' | GaugeName;

export interface StepPoint {
  /** Start of the step, epoch ms. */
  t: number;
  /** null: no traffic (no sample) in the step. */
  value: number | null;
}

export interface StepSeriesQuery {
  /** A server's series; absent: the fleet's. */
  serverId?: string | undefined;
  metric: StepMetric;
  step: '1h' | '1d';
  /** [from, to), both on step boundaries. */
  from: number;
  to: number;
}

export async function stepSeries(db: Db, q: StepSeriesQuery): Promise<StepPoint[]> {
  // safe because TIERS holds both resolutions
  const tier = TIERS.find((t) => t.resolution === q.step) as Tier;
  const values = new Map<number, number | null>();
  const range = { from: q.from, to: q.to, serverId: q.serverId, endpoint: SERVER_TOTAL };
  if (q.metric === 'latency_p95') {
    const plan = { tier, stepMs: tier.ms, start: q.from, end: q.to };
    const rows = await readRows(db, plan, q.from, q.to, range);
    for (const [t, traffic] of groupRows(rows, (r) => floorTo(r.bucket_start, tier.ms)))
      values.set(t, quantileOf(traffic, 0.95));
  } else if (q.metric === 'requests' || q.metric === 'error_rate') {
    // summed in the store, no sketch decoded: a fleet's four weeks are thousands of rows
    const sums = new Map<number, { count: number; errors: number; toolErrors: number }>();
    for (const r of await rollupsRepo.sums(db, tier.resolution, tier.finer, range, ['bucket_start'])) {
      const t = floorTo(r.bucket_start, tier.ms);
      const s = sums.get(t) ?? { count: 0, errors: 0, toolErrors: 0 };
      sums.set(t, {
        count: s.count + r.count,
        errors: s.errors + r.errors,
        toolErrors: s.toolErrors + r.tool_errors,
      });
    }
    for (const [t, s] of sums) values.set(t, q.metric === 'requests' ? s.count : errorRatePercent(s));
  } else {
    const gauge = { metric: q.metric, from: q.from, to: q.to, start: q.from, stepMs: tier.ms };
    const rows =
      q.serverId === undefined
        ? await gaugesRepo.perServerStep(db, gauge)
        : await gaugesRepo.perStep(db, { ...gauge, serverId: q.serverId });
    for (const r of rows) {
      const t = q.from + r.b * tier.ms;
      values.set(t, (values.get(t) ?? 0) + r.avg);
    }
  }
  const points: StepPoint[] = [];
  for (let t = q.from; t < q.to; t += tier.ms) points.push({ t, value: values.get(t) ?? null });
  return points;
}

/** Requests per step of every server over [from, to): one query for the fleet (capacity planning). */
export async function fleetStepRequests(
  db: Db,
  q: { step: '1h' | '1d'; from: number; to: number },
): Promise<Map<string, Map<number, number>>> {
  // safe because TIERS holds both resolutions
  const tier = TIERS.find((t) => t.resolution === q.step) as Tier;
  const range = { from: q.from, to: q.to, endpoint: SERVER_TOTAL };
  const out = new Map<string, Map<number, number>>();
  for (const r of await rollupsRepo.sums(db, tier.resolution, tier.finer, range, [
    'server_id',
    'bucket_start',
  ])) {
    let m = out.get(r.server_id);
    if (!m) out.set(r.server_id, (m = new Map<number, number>()));
    const t = floorTo(r.bucket_start, tier.ms);
    m.set(t, (m.get(t) ?? 0) + r.count);
  }
  return out;
}
